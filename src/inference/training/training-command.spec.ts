import { parseEpochLine, trainingCommand } from './training-command';

describe('training CLI integration', () => {
  it('reads the per-epoch lines of model:train', () => {
    expect(parseEpochLine('epoch 3 loss=0.0818 lr=1.62e-3')).toEqual({ epoch: 3, loss: 0.0818 });
    expect(parseEpochLine('epoch 12 loss=0.0372 val_loss=0.0400 val_acc=0.9950 val_macroF1=0.8700 lr=6.28e-4')).toEqual({
      epoch: 12, loss: 0.0372, val_loss: 0.04, val_accuracy: 0.995, val_macro_f1: 0.87,
    });
    expect(parseEpochLine('fitting the anomaly detector')).toBeNull();
  });

  it('runs the TypeScript CLI from the sources', () => {
    const cmd = trainingCommand(['--epochs', '2']);
    expect(cmd.file).toBe(process.execPath);
    expect(cmd.args.slice(-3)).toEqual([expect.stringMatching(/model-train\.ts$/), '--epochs', '2']);
  });
});
