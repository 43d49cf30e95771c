import { TOPIC_MANIFEST, TOPICS, topicSpec } from './topics';

describe('topic manifest', () => {
  it('names every topic once, as <domain>.<entity>.<event>.v<n>', () => {
    const names = TOPIC_MANIFEST.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+\.[a-z-]+\.[a-z-]+\.v\d+$/);
  });

  it('gives every topic partitions and a cleanup policy', () => {
    for (const t of TOPIC_MANIFEST) {
      expect(t.partitions).toBeGreaterThan(0);
      expect(['delete', 'compact']).toContain(t.config['cleanup.policy']);
    }
  });

  it('has a dead-letter topic for each consumer', () => {
    const deadLetters = TOPIC_MANIFEST.filter((t) => t.name.includes('.dead-letter.'));
    expect(deadLetters.map((t) => t.name.split('.')[1]).sort()).toEqual([
      'entity-extractor',
      'journey-extractor',
      'lake-sink',
    ]);
  });

  it('keeps the webhook work queue deletable and the detail topics compacted', () => {
    expect(TOPICS.webhookEvents.config['cleanup.policy']).toBe('delete');
    expect(TOPICS.journeyDetails.config['cleanup.policy']).toBe('compact');
    expect(TOPICS.entityDetails.config['cleanup.policy']).toBe('compact');
  });

  it('looks a topic up by name', () => {
    expect(topicSpec('fenx.journey.details.v1')).toBe(TOPICS.journeyDetails);
    expect(() => topicSpec('nope' as never)).toThrow(/not in the manifest/);
  });
});
