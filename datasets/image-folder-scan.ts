// Lists an image-folder domain: one sub-folder per class holding JPEG/PNG/WebP files (the layout
// Office-31 and most labelled image sets ship in). Nothing is decoded here.
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { TransferscopeError } from '../core/errors.ts';
import type { Domain } from '../core/protocol.ts';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'] as const;

export interface FolderScan {
  /** The folder holding the class folders. */
  root: string;
  /** Non-empty classes sorted by name; files (relative to `root`) sorted too. */
  classes: { name: string; files: string[] }[];
  /** Class folders with no image file. */
  emptyClasses: string[];
  /** Entries of class folders that are not image files (relative to `root`). */
  notImages: string[];
  /** Symbolic links left out, with why: broken, or resolving outside the data folder (relative to `root`, folders end in '/'). */
  skippedLinks: { file: string; detail: string }[];
}

type EntryKind = 'file' | 'directory' | 'other' | { skipped: string };

/**
 * What `entry` of `dir` is, symbolic links followed when they resolve inside `boundary` (the data folder, links
 * resolved): a link may arrange a data set without copying it, but must not pull in files from elsewhere.
 */
function entryKind(dir: string, entry: Dirent, boundary: string): EntryKind {
  if (!entry.isSymbolicLink()) {
    return entry.isFile() ? 'file' : entry.isDirectory() ? 'directory' : 'other';
  }
  let target: string;
  try {
    target = realpathSync(join(dir, entry.name));
  } catch {
    return { skipped: 'a broken symbolic link' };
  }
  if (target !== boundary && !target.startsWith(`${boundary}${sep}`)) {
    return { skipped: 'a symbolic link to outside the data folder' };
  }
  const stats = statSync(target);
  return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
}

function listDir(path: string): Dirent[] {
  // Dot files (.DS_Store, ._x.jpg from macOS archives) are metadata, not data: left out silently.
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Scans `path` for class folders. Office-31 ships `<domain>/images/<class>/`; when `path` holds
 * nothing but an `images` folder, that folder is the root. Throws `DATASET_NOT_FOUND` when `path`
 * is missing or holds no class folder.
 */
export function scanImageFolder(path: string, domain: Domain): FolderScan {
  let root = resolve(path);
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (!isDir(root)) {
    throw new TransferscopeError(
      'DATASET_NOT_FOUND',
      `The ${domain} image folder '${root}' does not exist. Put one sub-folder per class of JPEG/PNG/WebP images there (see README, "Your own data").`,
    );
  }
  const boundary = realpathSync(root);
  const scan: FolderScan = { root, classes: [], emptyClasses: [], notImages: [], skippedLinks: [] };
  const kinded = (dir: string) => listDir(dir).map((entry) => ({ name: entry.name, kind: entryKind(dir, entry, boundary) }));
  let entries = kinded(root);
  if (entries.length === 1 && entries[0]!.name === 'images' && entries[0]!.kind === 'directory') {
    root = join(root, 'images');
    scan.root = root;
    entries = kinded(root);
  }
  for (const entry of entries) {
    if (typeof entry.kind === 'object') {
      scan.skippedLinks.push({ file: `${entry.name}/`, detail: entry.kind.skipped });
    }
  }
  const folders = entries.filter((e) => e.kind === 'directory');
  if (folders.length === 0) {
    throw new TransferscopeError(
      'DATASET_NOT_FOUND',
      `The ${domain} image folder '${root}' has no class sub-folders (found ${entries.length} files). Put each class's images in a sub-folder named after the class.`,
    );
  }
  for (const folder of folders) {
    const files: string[] = [];
    for (const entry of kinded(join(root, folder.name))) {
      const file = join(folder.name, entry.name);
      if (typeof entry.kind === 'object') {
        scan.skippedLinks.push({ file, detail: entry.kind.skipped });
      } else if (entry.kind === 'file' && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase())) {
        files.push(file);
      } else {
        scan.notImages.push(entry.kind === 'directory' ? `${file}/` : file);
      }
    }
    if (files.length === 0) {
      scan.emptyClasses.push(folder.name);
    } else {
      scan.classes.push({ name: folder.name, files });
    }
  }
  return scan;
}
