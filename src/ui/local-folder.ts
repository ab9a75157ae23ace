// A model folder from the user's disk: the files of a directory picker (<input webkitdirectory>)
// or of a dropped folder (DataTransferItem.webkitGetAsEntry), with paths relative to the folder.
import type { LocalFolder } from '../state/run-slice.ts';

function folder(name: string, files: { path: string; blob: File }[]): LocalFolder {
  return { name, files, bytes: files.reduce((s, f) => s + f.blob.size, 0) };
}

/** From a directory picker: webkitRelativePath is "<folder>/<path inside it>". */
export function folderFromFileList(list: FileList | readonly File[]): LocalFolder | null {
  const files = Array.from(list);
  if (!files.length) return null;
  const rel = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
  const name = rel(files[0]).split('/')[0];
  return folder(
    name,
    files.map((f) => ({ path: rel(f).split('/').slice(1).join('/') || f.name, blob: f })),
  );
}

function entries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: { path: string; blob: File }[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: prefix + entry.name, blob: file });
    return;
  }
  for (const e of await entries(entry as FileSystemDirectoryEntry)) await walk(e, `${prefix}${entry.name}/`, out);
}

/** From a drop: the one dropped folder, walked recursively (null when no folder was dropped). */
export async function folderFromDrop(items: DataTransferItemList): Promise<LocalFolder | null> {
  const dir = Array.from(items)
    .map((i) => i.webkitGetAsEntry?.())
    .find((e): e is FileSystemDirectoryEntry => Boolean(e?.isDirectory));
  if (!dir) return null;
  const out: { path: string; blob: File }[] = [];
  for (const e of await entries(dir)) await walk(e, '', out);
  return folder(dir.name, out);
}
