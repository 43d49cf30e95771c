/**
 * The apps of the local stack, in start order, with the embedded defaults that wire them
 * together. Secrets here are local-development values, never used anywhere else.
 */
export interface LocalApp {
  name: string;
  env: Record<string, string>;
  args?: string[];
  describe: string;
}

export const LOCAL_APPS: LocalApp[] = [];
