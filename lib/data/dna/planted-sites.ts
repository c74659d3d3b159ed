/**
 * Where the stand-in generator planted each binding site, as a BED file (`planted-sites.bed`): one
 * line per site with the record name as "chromosome", 0-based start, end (exclusive), motif, score
 * and strand, so tools that read BED (bedtools, genome browsers) read it too.
 */
import * as fs from "fs";

export const PLANTED_SITES_FILE = "planted-sites.bed";

export interface PlantedSite {
  /** The FASTA record's name (header up to the first space). */
  record: string;
  /** 0-based first base of the site in the sequence. */
  start: number;
  /** One past its last base. */
  end: number;
  /** Motif, e.g. "Sox17_MA0078.1". */
  motif: string;
  strand: "+" | "-";
}

export function writePlantedSites(file: string, sites: readonly PlantedSite[], comment: string): void {
  const lines = [`# ${comment}`, "# record\tstart(0-based)\tend\tmotif\tscore\tstrand"];
  for (const s of sites) lines.push(`${s.record}\t${s.start}\t${s.end}\t${s.motif}\t0\t${s.strand}`);
  fs.writeFileSync(file, lines.join("\n") + "\n");
}

/** Reads a planted-sites BED file; the result maps each record name to its sites. */
export function readPlantedSites(file: string): Map<string, PlantedSite[]> {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file (the generator writes it next to the .fa files)`);
  const out = new Map<string, PlantedSite[]>();
  fs.readFileSync(file, "utf8").split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("#") || line.startsWith("track")) return;
    const f = line.split("\t");
    const start = Number(f[1]);
    const end = Number(f[2]);
    if (f.length < 6 || !Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || (f[5] !== "+" && f[5] !== "-")) {
      throw new Error(`${file}: line ${i + 1} is not a BED line 'record start end motif score strand': '${line}'`);
    }
    const site: PlantedSite = { record: f[0], start, end, motif: f[3], strand: f[5] };
    const list = out.get(site.record);
    if (list) list.push(site);
    else out.set(site.record, [site]);
  });
  return out;
}
