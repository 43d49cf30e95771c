import { distinctIds, entityIdOfRow, journeyIdOfRow } from './report-rows';

describe('report row ids', () => {
  it.each([
    [{ legalEntityId: 'e-1', legalEntityName: 'ACME' }, 'e-1'],
    [{ legalEntityId: ' e-3 ' }, 'e-3'],
    // Reports never name the entity `entityId`: such a row has no entity id.
    [{ entityId: 'e-4' }, undefined],
    [{ legalEntityId: '' }, undefined],
  ])('entity id of %j is %s', (row, id) => {
    expect(entityIdOfRow(row)).toBe(id);
  });

  it.each([
    [{ journeyId: 'j-1', legalEntityId: 'e-1' }, 'j-1'],
    [{ id: 'j-3', legalEntityId: 'e-1' }, undefined],
  ])('journey id of %j is %s', (row, id) => {
    expect(journeyIdOfRow(row)).toBe(id);
  });

  it('collects distinct ids and counts rows without one', () => {
    expect(
      distinctIds(
        [{ legalEntityId: 'a' }, { legalEntityId: 'b' }, { legalEntityId: 'a' }, { x: 1 }],
        entityIdOfRow,
      ),
    ).toEqual({ ids: ['a', 'b'], rowsWithoutId: 1 });
  });
});
