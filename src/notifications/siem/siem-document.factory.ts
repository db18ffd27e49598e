import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { version } from '../../../package.json';
import { ATTACK_MAPPER, AttackMapper } from './attack-mapping';
import { ecsDocuments } from './ecs-documents';
import { ocsfEvents } from './ocsf-events';
import { SiemContext, SiemEnvelope, SiemFormat } from './siem-envelope';

export type SiemDocument = Record<string, unknown>;

/** Maps deliveries to ECS documents or OCSF events with this instance as observer and the bound ATT&CK mapping. */
@Injectable()
export class SiemDocumentFactory {
  private readonly context: SiemContext;

  constructor(@Inject(ATTACK_MAPPER) attack: AttackMapper) {
    this.context = { attack, observer: { hostname: hostname(), version } };
  }

  /** A syslog digest is several documents (`embedDigestAlerts` false): its summary, then its first alerts. */
  documents(envelope: SiemEnvelope, format: SiemFormat, embedDigestAlerts: boolean): SiemDocument[] {
    return format === 'ocsf'
      ? ocsfEvents(envelope, this.context, embedDigestAlerts)
      : ecsDocuments(envelope, this.context, embedDigestAlerts);
  }
}
