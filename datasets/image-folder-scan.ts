// Lists an image-folder domain: one sub-folder per class holding JPEG/PNG/WebP files (the layout
// Office-31 and most labelled image sets ship in). Nothing is decoded here.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, join, resolve } from 'node:path';
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
}

function listDir(path: string): Dirent[] {
  // Dot files (.DS_Store, ._x.jpg from macOS archives) are metadata, not data: left out silently.
  return readdirSync(path, { withFileTypes: true }).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
    throw new TransferscopeError('DATASET_NOT_FOUND', `The ${domain} image folder '${root}' does not exist. Put one sub-folder per class of JPEG/PNG/WebP images there (see README, "Your own data").`);
  }
  let entries = listDir(root);
  if (entries.length === 1 && entries[0]!.name === 'images' && entries[0]!.isDirectory()) {
    root = join(root, 'images');
    entries = listDir(root);
  }
  const folders = entries.filter((e) => e.isDirectory());
  if (folders.length === 0) {
    throw new TransferscopeError('DATASET_NOT_FOUND', `The ${domain} image folder '${root}' has no class sub-folders (found ${entries.length} files). Put each class's images in a sub-folder named after the class.`);
  }
  const scan: FolderScan = { root, classes: [], emptyClasses: [], notImages: [] };
  for (const folder of folders) {
    const files: string[] = [];
    for (const entry of listDir(join(root, folder.name))) {
      const file = join(folder.name, entry.name);
      if (entry.isFile() && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase())) {
        files.push(file);
      } else {
        scan.notImages.push(entry.isDirectory() ? `${file}/` : file);
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
