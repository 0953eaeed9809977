/** Builds the demo model repository once before the suite (a no-op when it is up to date). */
import { buildDemoRepository } from '../../demo/build-demo-repository.js';

export default function setup(): void {
  buildDemoRepository();
}
