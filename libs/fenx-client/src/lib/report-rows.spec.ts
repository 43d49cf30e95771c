import { rowsOf } from './fenx-client';
import { distinctIds, entityIdOfRow, journeyIdOfRow } from './report-rows';

describe('report row ids', () => {
  it.each([
    [{ entityId: 'e-1' }, 'e-1'],
    [{ EntityId: 'e-2', id: 'row-9' }, 'e-2'],
    [{ legalEntityId: ' e-3 ' }, 'e-3'],
    [{ id: 'e-4' }, 'e-4'],
    [{ Id: 5 }, '5'],
    [{ entityId: '', id: 'e-6' }, 'e-6'],
    [{ name: 'ACME' }, undefined],
  ])('entity id of %j is %s', (row, id) => {
    expect(entityIdOfRow(row)).toBe(id);
  });

  it.each([
    [{ journeyId: 'j-1', entityId: 'e-1' }, 'j-1'],
    [{ JourneyInstanceId: 'j-2' }, 'j-2'],
    [{ id: 'j-3', entityId: 'e-1' }, 'j-3'],
    [{ entityId: 'e-1' }, undefined],
  ])('journey id of %j is %s', (row, id) => {
    expect(journeyIdOfRow(row)).toBe(id);
  });

  it('collects distinct ids and counts rows without one', () => {
    expect(
      distinctIds([{ entityId: 'a' }, { entityId: 'b' }, { entityId: 'a' }, { x: 1 }], entityIdOfRow),
    ).toEqual({ ids: ['a', 'b'], rowsWithoutId: 1 });
  });
});

describe('rowsOf', () => {
  it.each([
    [{ data: [{ a: 1 }, 'junk'] }, [{ a: 1 }]],
    [{ data: null }, []],
    [{ data: { rows: [{ a: 1 }] } }, [{ a: 1 }]],
    [{ data: { records: [], total: 0 } }, []],
    [{ data: { whatever: [{ b: 2 }], count: 1 } }, [{ b: 2 }]],
    [[{ c: 3 }], [{ c: 3 }]],
  ])('%j → %j', (body, rows) => {
    expect(rowsOf(body)).toEqual(rows);
  });

  it.each([[undefined], ['text'], [{ data: {} }], [{ data: { a: [], b: [] } }]])('cannot read %j', (body) => {
    expect(rowsOf(body)).toBeUndefined();
  });
});
