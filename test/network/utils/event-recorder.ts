import { NetworkActionEvent } from '../../../src/network/network.events';

export interface NetworkEnvelope {
  name: string;
  payload: NetworkActionEvent;
}
