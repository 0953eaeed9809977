/** Read access for steps to the files of their pipeline's version folder, and to nothing else. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PublicLoadError } from '../models/load-failure.js';
import type { StepFiles } from './step-op.js';

/** Asset files are read whole at load: bound them. */
const MAX_ASSET_BYTES = 16 * 1024 * 1024;

export function versionFolderFiles(directory: string): StepFiles {
  const resolve = (relativePath: string): string => {
    const target = path.resolve(directory, relativePath);
    if (path.isAbsolute(relativePath) || !target.startsWith(directory + path.sep))
      throw new PublicLoadError(`"${relativePath}" must be a path inside the version folder`);
    return target;
  };
  return {
    async readText(relativePath) {
      const file = resolve(relativePath);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new PublicLoadError(`"${relativePath}" is not a file in the version folder`);
      if (info.size > MAX_ASSET_BYTES) throw new PublicLoadError(`"${relativePath}" is larger than ${MAX_ASSET_BYTES} bytes`);
      return readFile(file, 'utf8');
    },
  };
}
