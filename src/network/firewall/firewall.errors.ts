import { DomainError, ErrorCode } from '../../core/domain-error';

/** Why a batch of firewall changes was refused before any command ran. */
export enum FirewallRefusal {
  WHOLE_INTERNET = 'whole_internet',
  TOUCHES_LOOPBACK = 'touches_loopback',
  /** A never-blocked special-purpose range (unspecified, multicast, broadcast, embedded loopback …). */
  SPECIAL_PURPOSE = 'special_purpose',
  INVALID_TARGET = 'invalid_target',
  INVALID_TIMEOUT = 'invalid_timeout',
  BLOCK_AND_UNBLOCK = 'block_and_unblock',
}

export class FirewallRequestError extends DomainError {
  constructor(
    readonly reason: FirewallRefusal,
    field: string,
  ) {
    super(ErrorCode.VALIDATION_FAILED, `Firewall change refused: ${reason}`, { details: [{ field, reason }] });
    this.name = 'FirewallRequestError';
  }
}

/** nftables interval sets cannot hold a network that overlaps a different entry (`10.0.0.0/8` and `10.1.2.3`). */
export class FirewallConflictError extends DomainError {
  constructor(
    readonly target: string,
    readonly existing: string,
  ) {
    super(ErrorCode.CONFLICT, `Firewall target ${target} overlaps ${existing}`);
    this.name = 'FirewallConflictError';
  }
}

export interface CommandFailure {
  argv: readonly string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderr: string;
}

/** A firewall tool failed or timed out. `argv` only ever holds validated values. */
export class FirewallCommandError extends DomainError {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(failure: CommandFailure, cause?: unknown) {
    const how = failure.timedOut ? 'timed out' : `failed (exit ${failure.exitCode ?? failure.signal})`;
    super(ErrorCode.DEPENDENCY_UNAVAILABLE, `${failure.argv.join(' ')} ${how}: ${failure.stderr.trim()}`, { cause });
    this.name = 'FirewallCommandError';
    this.argv = failure.argv;
    this.exitCode = failure.exitCode;
    this.stderr = failure.stderr;
    this.timedOut = failure.timedOut;
  }
}

/** Our sets, chains or table are absent: call `ensureBase()` (it is idempotent) and retry. */
export class FirewallBaseMissingError extends DomainError {
  constructor(what: string) {
    super(ErrorCode.DEPENDENCY_UNAVAILABLE, `Firewall base not installed: ${what} missing`);
    this.name = 'FirewallBaseMissingError';
  }
}

/** A listing the driver could not read back (an entry it never writes, or output it does not understand). */
export class FirewallOutputError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.INTERNAL, message);
    this.name = 'FirewallOutputError';
  }
}

/** For `.catch()`: a tool that is not installed has installed nothing (null). Any other failure is rethrown. */
export function absentTool(error: unknown): null {
  if (error instanceof FirewallCommandError && /ENOENT|exec of "[^"]+" failed|command not found/.test(error.stderr)) return null;
  throw error;
}
