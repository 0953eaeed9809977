/** Before the suite: the demo model repository and the web console builds (each a no-op when up to date). */
import { buildDemoRepository } from '../../demo/build-demo-repository.js';
import { ensureConsoleBuilt } from './console-build.js';
import { ensureEnterpriseConsoleBuilt } from './enterprise-console-build.js';

export default function setup(): void {
  buildDemoRepository();
  ensureConsoleBuilt();
  ensureEnterpriseConsoleBuilt();
}
