import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { version } from '../../../package.json';
import { ATTACK_MAPPER, AttackMapper } from './attack-mapping';
import { EcsContext, EcsDocument, ecsDocuments, EcsEnvelope } from './ecs-documents';

/** Maps deliveries to ECS documents with this instance as `observer` and the bound ATT&CK mapping. */
@Injectable()
export class EcsDocumentFactory {
  private readonly context: EcsContext;

  constructor(@Inject(ATTACK_MAPPER) attack: AttackMapper) {
    this.context = { attack, observer: { hostname: hostname(), version } };
  }

  /** See ecsDocuments: a syslog digest is several documents (`embedDigestAlerts` false), anything else one. */
  documents(envelope: EcsEnvelope, embedDigestAlerts: boolean): EcsDocument[] {
    return ecsDocuments(envelope, this.context, embedDigestAlerts);
  }
}
