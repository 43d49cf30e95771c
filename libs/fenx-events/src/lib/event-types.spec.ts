import { classifyEventType, EVENT_TYPES, isEventType } from './event-types';

describe('classifyEventType', () => {
  it.each([
    ['journey:taskcompleted', 'journey', 'journey:taskcompleted'],
    ['Journey:TaskCompleted', 'journey', 'journey:taskcompleted'],
    ['JOURNEY:JOURNEYPAUSED', 'journey', 'journey:journeyPaused'],
    ['entitydata:created', 'entitydata', 'entitydata:created'],
    ['EntityData:DataPublished', 'entitydata', 'entitydata:dataPublished'],
    [' association:associationcreated ', 'association', 'association:associationcreated'],
    // FenX's own documented example type.
    ['entitydata:draftcreated_enriched', 'entitydata', 'entitydata:draftcreated_enriched'],
  ])('knows %s', (input, domain, canonical) => {
    expect(classifyEventType(input)).toEqual({
      domain,
      known: true,
      canonical,
    });
  });

  it('keeps the domain of an unknown type of a routed domain', () => {
    expect(classifyEventType('journey:SomethingNew')).toEqual({
      domain: 'journey',
      known: false,
      canonical: 'journey:somethingnew',
    });
  });

  it.each(['document:uploaded', 'screening:completed', 'nocolon', '', ':x'])(
    'classifies %p as other',
    (t) => {
      const info = classifyEventType(t);
      expect(info.domain).toBe('other');
      expect(info.known).toBe(false);
    },
  );

  it('has the 31 documented types, unique case-insensitively', () => {
    expect(EVENT_TYPES).toHaveLength(31);
    expect(new Set(EVENT_TYPES.map((t) => t.toLowerCase())).size).toBe(31);
    for (const t of EVENT_TYPES) expect(classifyEventType(t).canonical).toBe(t);
  });

  it('compares types ignoring case', () => {
    expect(isEventType('ENTITYDATA:DRAFTVERIFIED', 'entitydata:draftverified')).toBe(true);
    expect(isEventType('entitydata:draftupdated', 'entitydata:draftverified')).toBe(false);
  });
});
