/**
 * The VM flavours of `canfar_submit JOB_FILE VM_IMAGE VM_FLAVOR`: OpenStack names for a
 * machine size. Names of the form `cN-Xgb-D` (Arbutus's `c2-7.5gb-31`: 2 cores,
 * 7.5 GB RAM, 31 GB disk) are read directly; a site adds its other names (`p8-12gb`,
 * GPU flavours) in a table the operator provides.
 */
export interface VmFlavour {
  readonly cores: number;
  /** GB (the platform's GiB). */
  readonly ramGB: number;
  /** GB of scratch disk; 0 or absent: none said. */
  readonly diskGB?: number;
  readonly gpus?: number;
}

/** Flavour names an operator adds, by lower-case name. */
export type FlavourTable = Readonly<Record<string, VmFlavour>>;

const PATTERN = /^c(\d+)-(\d+(?:\.\d+)?)gb(?:-(\d+(?:\.\d+)?))?$/i;

/** The flavour a name stands for: the operator's table first, then the `cN-Xgb-D` pattern; undefined when unknown. */
export function lookupFlavour(name: string, table: FlavourTable = {}): VmFlavour | undefined {
  const known = Object.entries(table).find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (known) return known[1];
  const m = PATTERN.exec(name.trim());
  if (!m) return undefined;
  const cores = Number(m[1]);
  const ramGB = Number(m[2]);
  if (cores <= 0 || ramGB <= 0) return undefined;
  return { cores, ramGB, ...(m[3] !== undefined && Number(m[3]) > 0 ? { diskGB: Number(m[3]) } : {}) };
}
