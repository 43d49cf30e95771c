import { APP_ACCESS, pipelineAcls } from './acls';
import { TOPICS } from './topics';

describe('the production ACLs', () => {
  const allowed = (principal: string, operation: string) =>
    pipelineAcls()
      .filter((e) => e.principal === principal && e.operation === operation && e.resource === 'topic')
      .map((e) => e.name)
      .sort();

  it('lets radar write topic 1 and nothing else', () => {
    expect(allowed('User:radar', 'Write')).toEqual([TOPICS.webhookEvents.name]);
    expect(allowed('User:radar', 'Read')).toEqual([]);
    expect(pipelineAcls().filter((e) => e.principal === 'User:radar' && e.resource === 'group')).toEqual([]);
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
      APP_ACCESS.radar.writes.length,
    );
    expect(entries.filter((e) => e.resource === 'group').every((e) => e.pattern === 'prefixed')).toBe(true);
  });
});
