import type { FlagReason } from './radar-metrics';

/** The metric reason of each problem `buildWebhookEvent` or the notification check listed. */
export function flagReasons(problems: readonly string[]): FlagReason[] {
  const reasons = new Set<FlagReason>();
  for (const p of problems) {
    if (p.startsWith('body is not valid UTF-8')) reasons.add('not_utf8');
    else if (
      p.startsWith('body is not JSON') ||
      p.startsWith('body is empty') ||
      p.startsWith('notification is not')
    )
      reasons.add('not_json');
    else if (p.startsWith('unknown event type')) reasons.add('unknown_event_type');
    else if (p.startsWith('unknown RelativeUrl')) reasons.add('unknown_relative_url');
    else if (p.startsWith('tenant mismatch')) reasons.add('wrong_tenant');
    else reasons.add('invalid_field');
  }
  return [...reasons];
}
