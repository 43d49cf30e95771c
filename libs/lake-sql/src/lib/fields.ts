/**
 * Policy-specific fields of a FenX entity record (its `data`), as JSON paths: which property holds an
 * entity's country, its type or its name differs per FenX policy. The defaults are FenX's standard
 * legal-entity policy; lake-sink reads others from LAKE_ENTITY_COUNTRY_PATH, LAKE_ENTITY_TYPE_PATH and
 * LAKE_ENTITY_NAME_PATH. The DuckDB views and the BigQuery views use the same ones.
 */
export interface EntityFields {
  country: string;
  entityType: string;
  name: string;
}

export const DEFAULT_ENTITY_FIELDS: EntityFields = {
  country: '$.properties.countryOfIncorporation.value',
  entityType: '$.type',
  name: '$.properties.legalEntityName.value',
};

/** `$` followed by `.name` or `[n]` steps: what both SQL dialects read, and nothing to inject. */
const JSON_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])+$/;

export function isEntityFieldPath(path: string): boolean {
  return JSON_PATH.test(path);
}

/** The fields with the defaults filled in; a path that is not a plain JSON path is refused, named. */
export function entityFields(overrides: Partial<EntityFields> = {}): EntityFields {
  const fields = { ...DEFAULT_ENTITY_FIELDS, ...overrides };
  for (const [k, v] of Object.entries(fields))
    if (!isEntityFieldPath(v))
      throw new Error(
        `entity field ${k}: ${JSON.stringify(v)} is not a JSON path like $.properties.<name>.value`,
      );
  return fields;
}
