/** Before the suite: the demo model repository and the web console build (each a no-op when up to date). */
import { buildDemoRepository } from '../../demo/build-demo-repository.js';
import { ensureConsoleBuilt } from './console-build.js';

export default function setup(): void {
  buildDemoRepository();
  ensureConsoleBuilt();
}
