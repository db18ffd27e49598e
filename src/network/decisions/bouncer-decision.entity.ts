import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A decision a bouncer has been sent as `new` and not yet as `deleted`: the per-bouncer cursor. A pull sends what is
 * active and missing here, then `deleted` for what is here and no longer active, and updates the rows in the same
 * transaction, so each end reaches each bouncer once.
 */
@Entity('bouncer_decisions')
export class BouncerDecisionEntity {
  @PrimaryColumn({ name: 'bouncer_id', type: 'uuid' })
  bouncerId: string;

  @PrimaryColumn({ name: 'decision_id', type: 'bigint' })
  decisionId: string;

  @Column({ type: 'varchar', length: 8 })
  scope: string;

  @Column({ type: 'varchar', length: 64 })
  value: string;

  @Column({ type: 'text' })
  scenario: string;

  /** The end that was sent; null for a permanent block. */
  @Column({ type: 'timestamptz', nullable: true })
  until: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', default: () => 'now()' })
  sentAt: Date;
}
