import type { FenxNotification } from '@fenx/fenx-events';
import { plainToInstance } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches, validateSync } from 'class-validator';

/**
 * The fields of a notification as FenX documents them (GUID ids, `domain:action` event types,
 * ISO-8601 times). A mismatch flags the event (valid=false, the reasons listed); it never refuses it.
 */
class NotificationFields {
  @IsUUID('all', { message: 'Id is not a GUID' })
  id!: string;

  @IsUUID('all', { message: 'TenantId is not a GUID' })
  tenantId!: string;

  // FenX's types are not just letters: its own example is `entitydata:draftcreated_enriched`.
  @Matches(/^[a-z][a-z0-9]*:[a-z0-9][a-z0-9_.-]*$/i, {
    message: 'EventType is not of the form domain:action',
  })
  eventType!: string;

  @IsISO8601({ strict: true }, { message: 'When is not an ISO-8601 timestamp' })
  when!: string;

  @IsOptional()
  @IsString({ message: 'CorrelationId is not a string' })
  correlationId!: string | null;
}

/** Problems of a parsed notification's fields, plus `tenant mismatch: …` when it is another tenant's. */
export function checkNotification(n: FenxNotification, expectedTenant?: string): string[] {
  const problems: string[] = [];
  // Fields the parser already found missing are listed once, by the parser.
  const present = Object.fromEntries(Object.entries(n).filter(([, v]) => v !== ''));
  for (const error of validateSync(plainToInstance(NotificationFields, present), {
    skipMissingProperties: true,
  }))
    problems.push(...Object.values(error.constraints ?? {}));
  if (expectedTenant && n.tenantId !== '' && n.tenantId.toLowerCase() !== expectedTenant.toLowerCase())
    problems.push(`tenant mismatch: ${n.tenantId} is not this pipeline's tenant`);
  return problems;
}
