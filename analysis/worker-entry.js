// The file the monitor forks for each analysis job: registers tsx (as bin/transferscope.js does, resolving it
// from this package rather than the monitor's working directory) and starts the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
