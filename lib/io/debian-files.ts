/**
 * Files the course takes from Debian packages (the plot font, Fashion-MNIST). As root,
 * `bash scripts/course.sh setup` installs the packages; without root it fetches them with
 * `apt-get download` and unpacks them with `dpkg-deb -x` into the project's .cache/debian/root
 * (no root needed for either). debianPath() finds a package's file in whichever place has it.
 */
import * as fs from "fs";
import * as path from "path";

/** Where setup unpacks Debian packages without root (COURSE_DEBIAN_ROOT moves it). */
export const LOCAL_DEBIAN_ROOT =
  process.env.COURSE_DEBIAN_ROOT ?? path.resolve(__dirname, "..", "..", ".cache", "debian", "root");

/**
 * `systemPath` (an absolute path a Debian package installs, e.g. /usr/share/datasets/fashion-mnist)
 * if it exists, else the same path under LOCAL_DEBIAN_ROOT if that exists, else `systemPath`, so that
 * an error about a missing file names the usual place.
 */
export function debianPath(systemPath: string, localRoot: string = LOCAL_DEBIAN_ROOT): string {
  if (!path.isAbsolute(systemPath)) throw new Error(`debianPath: expected an absolute path, got '${systemPath}'`);
  if (fs.existsSync(systemPath)) return systemPath;
  const local = path.join(localRoot, systemPath);
  return fs.existsSync(local) ? local : systemPath;
}
