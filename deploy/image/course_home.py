#!/usr/bin/env python3
"""Brings the course from the image into a student's home folder, never over the student's work.

    course_home.py TEMPLATE DEST        (the image runs: /opt/course/home ~/course)

Hubs mount a fresh volume over the home folder, so the chapters cannot be baked into it: the start
script runs this before the server starts. For each file or link in TEMPLATE:
  - missing in DEST: copied (a first start copies everything; a deleted chapter comes back fresh);
  - in DEST exactly as this script last put it there (its hash is in DEST/.course-sync.json): replaced
    by the image's version, so a newer image updates what the student never touched;
  - changed by the student: kept as it is; the image's version is named on stdout.
Files in DEST that the image does not have are never looked at. Links are recreated as links (the
template links the read-only parts: lib/, models/, node_modules/, the generated data sets).
Copies are written beside the target and renamed into place, so a start that is killed leaves no
half-written file. The template is small (notebooks and links), so every start checks all of it.
"""
import hashlib
import json
import os
import shutil
import sys
import tempfile

MANIFEST = ".course-sync.json"


def identity(path):
    """What a template entry is: 'link:<target>' for a link, 'sha256:<hex>' for a file, None if absent."""
    if os.path.islink(path):
        return "link:" + os.readlink(path)
    if not os.path.isfile(path):
        return None
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def template_entries(template):
    """Relative paths of the files and links under template (links to folders are not followed)."""
    out = []
    for folder, dirs, files in os.walk(template):
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
            rel = os.path.relpath(os.path.join(folder, name), template)
            if rel != MANIFEST:
                out.append(rel)
    return sorted(out)


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_json(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".course-sync.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def put(src, dst):
    """Copy a file or recreate a link at dst, atomically (written aside, then renamed)."""
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = os.path.join(os.path.dirname(dst), ".%s.course-sync.tmp" % os.path.basename(dst))
    if os.path.lexists(tmp):
        os.remove(tmp)
    if os.path.islink(src):
        os.symlink(os.readlink(src), tmp)
    else:
        shutil.copy2(src, tmp)
    if os.path.isdir(dst) and not os.path.islink(dst):
        os.remove(tmp)
        raise IsADirectoryError(dst)
    os.replace(tmp, dst)


def sync(template, dest, log=print):
    """Returns counts: copied, updated, kept (the student's own), same."""
    os.makedirs(dest, exist_ok=True)
    manifest_path = os.path.join(dest, MANIFEST)
    manifest = read_json(manifest_path)
    files = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    counts = {"copied": 0, "updated": 0, "kept": 0, "same": 0}
    for rel in template_entries(template):
        src, dst = os.path.join(template, rel), os.path.join(dest, rel)
        want = identity(src)
        have = identity(dst) if os.path.lexists(dst) else None
        try:
            if not os.path.lexists(dst):
                put(src, dst)
                counts["copied"] += 1
            elif have == want:
                counts["same"] += 1
            elif have is not None and files.get(rel) == have:
                put(src, dst)
                counts["updated"] += 1
            else:
                counts["kept"] += 1
                log("kept your %s (this image's version: %s)" % (rel, os.path.realpath(src)))
                continue
        except OSError as e:
            counts["kept"] += 1
            log("could not place %s: %s" % (rel, e))
            continue
        files[rel] = want
    write_json(manifest_path, {"template": os.path.abspath(template), "files": files})
    return counts


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: course_home.py TEMPLATE DEST\n")
        return 2
    template, dest = argv[1], argv[2]
    if not os.path.isdir(template):
        sys.stderr.write("course_home.py: no course template at %s\n" % template)
        return 1
    counts = sync(template, dest)
    if counts["copied"] or counts["updated"] or counts["kept"]:
        print("Course in %s: %d copied, %d updated, %d of yours kept" % (dest, counts["copied"], counts["updated"], counts["kept"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
