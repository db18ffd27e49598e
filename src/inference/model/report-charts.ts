import { EpochRecord } from './mlp-trainer';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const svg = (width: number, height: number, body: string[]): string =>
  [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');

/**
 * Confusion matrix as an SVG heat map: rows are true classes, columns predicted ones; each cell shows its count
 * and is shaded by its share of the row.
 */
export function confusionMatrixSvg(
  labels: readonly string[],
  matrix: readonly number[][],
  title = 'Confusion matrix',
): string {
  const cell = 44;
  const left = 190;
  const top = 190;
  const size = labels.length * cell;
  const body: string[] = [`<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`];
  body.push(`<text x="${left + size / 2}" y="${top - 150}" text-anchor="middle">predicted</text>`);
  labels.forEach((label, k) => {
    const x = left + k * cell + cell / 2;
    body.push(`<text x="${x}" y="${top - 6}" transform="rotate(-60 ${x} ${top - 6})">${escape(label)}</text>`);
    body.push(`<text x="${left - 6}" y="${top + k * cell + cell / 2 + 4}" text-anchor="end">${escape(label)}</text>`);
  });
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, j) => {
      const share = count / total;
      const shade = Math.round(255 - 200 * share);
      const fill = i === j ? `rgb(${shade},${Math.round(255 - 120 * share)},${shade})` : `rgb(255,${shade},${shade})`;
      const x = left + j * cell;
      const y = top + i * cell;
      body.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ccc"/>`);
      if (count) body.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle">${count}</text>`);
    });
  });
  body.push(`<text x="14" y="${top + size / 2}" transform="rotate(-90 14 ${top + size / 2})">true</text>`);
  return svg(left + size + 20, top + size + 20, body);
}

interface Series {
  name: string;
  color: string;
  values: number[];
}

/** Training curves: training and validation loss (left panel), validation accuracy and macro-F1 (right panel). */
export function trainingCurvesSvg(history: readonly EpochRecord[], title = 'Training curves'): string {
  const losses: Series[] = [
    { name: 'training loss', color: '#1f77b4', values: history.map((h) => h.loss) },
    { name: 'validation loss', color: '#ff7f0e', values: history.map((h) => h.valLoss) },
  ];
  const scores: Series[] = [
    { name: 'validation accuracy', color: '#2ca02c', values: history.map((h) => h.valAccuracy) },
    { name: 'validation macro-F1', color: '#d62728', values: history.map((h) => h.valMacroF1) },
  ];
  const body = [`<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`];
  body.push(...panel(losses, 50, 40, 'loss'), ...panel(scores, 470, 40, 'score'));
  return svg(880, 380, body);
}

function panel(series: Series[], x0: number, y0: number, axis: string): string[] {
  const width = 360;
  const height = 240;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const min = Math.min(0, ...all);
  const max = Math.max(...all, min + 1e-9);
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  const px = (i: number) => x0 + (epochs > 1 ? (i / (epochs - 1)) * width : width / 2);
  const py = (v: number) => y0 + height - ((v - min) / (max - min)) * height;
  const out = [
    `<rect x="${x0}" y="${y0}" width="${width}" height="${height}" fill="none" stroke="#999"/>`,
    `<text x="${x0 + width / 2}" y="${y0 + height + 30}" text-anchor="middle">epoch (1–${epochs})</text>`,
    `<text x="${x0 - 6}" y="${y0 + 10}" text-anchor="end">${max.toPrecision(3)}</text>`,
    `<text x="${x0 - 6}" y="${y0 + height}" text-anchor="end">${min.toPrecision(3)}</text>`,
    `<text x="${x0 - 36}" y="${y0 + height / 2}" transform="rotate(-90 ${x0 - 36} ${y0 + height / 2})">${axis}</text>`,
  ];
  series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${x0 + 10}" y="${y0 + height + 48 + k * 14}" fill="${s.color}">${escape(s.name)}</text>`);
  });
  return out;
}
