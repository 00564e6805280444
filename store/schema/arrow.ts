// The apache-arrow instance LanceDB itself uses. LanceDB loads arrow through `require` (CommonJS), and
// arrow checks `instanceof`, so an ESM `import` of apache-arrow would be a second, incompatible copy.
import { createRequire } from 'node:module';

export type * from 'apache-arrow';
export const arrow = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
