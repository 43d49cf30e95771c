import { APP_ACCESS, pipelineAcls } from './acls';
import { TOPICS } from '@fenx/kafka-contracts';

describe('the production ACLs', () => {
  const allowed = (principal: string, operation: string) =>
    pipelineAcls()
      .filter((e) => e.principal === principal && e.operation === operation && e.resource === 'topic')
      .map((e) => e.name)
      .sort();

  it('lets radar write topic 1 and its quarantine, and read only the quarantine', () => {
    expect(allowed('User:radar', 'Write')).toEqual(
      [TOPICS.webhookEvents.name, TOPICS.webhookUnverified.name].sort(),
    );
    expect(allowed('User:radar', 'Read')).toEqual([TOPICS.webhookUnverified.name]);
    expect(
      pipelineAcls()
        .filter((e) => e.principal === 'User:radar' && e.resource === 'group')
        .map((e) => e.name),
    ).toEqual(['fenx-reader-']);
  });

  it('lets no other app near the quarantine', () => {
    for (const app of ['journey-extractor', 'entity-extractor', 'lake-sink']) {
      expect(allowed(`User:${app}`, 'Read')).not.toContain(TOPICS.webhookUnverified.name);
      expect(allowed(`User:${app}`, 'Write')).not.toContain(TOPICS.webhookUnverified.name);
    }
  });

  it('lets lake-sink write nothing but its own dead letters', () => {
    expect(allowed('User:lake-sink', 'Write')).toEqual([TOPICS.lakeSinkDeadLetter.name]);
  });

  it("keeps each extractor off the other's detail and dead-letter topics", () => {
    expect(allowed('User:journey-extractor', 'Write')).not.toContain(TOPICS.entityDetails.name);
    expect(allowed('User:journey-extractor', 'Write')).not.toContain(TOPICS.entityExtractorDeadLetter.name);
    expect(allowed('User:entity-extractor', 'Write')).not.toContain(TOPICS.journeyDetails.name);
    expect(allowed('User:entity-extractor', 'Write')).not.toContain(TOPICS.journeyExtractorDeadLetter.name);
  });

  it('takes other principals (mutual TLS names, say) and groups as prefixes', () => {
    const entries = pipelineAcls({ radar: 'User:CN=radar,O=Bank' });
    expect(entries.filter((e) => e.principal === 'User:CN=radar,O=Bank')).toHaveLength(
      APP_ACCESS.radar.reads.length + APP_ACCESS.radar.writes.length + APP_ACCESS.radar.groups.length,
    );
    expect(entries.filter((e) => e.resource === 'group').every((e) => e.pattern === 'prefixed')).toBe(true);
  });
});
