import type { JobView } from "./job-view.js";

/**
 * What skyrun does with each HTCondor submit command it does not translate into a
 * session field: refuse it (the job would run differently), or accept it with a note
 * saying what does not carry over. Commands not listed here and not translated are
 * user macros, as in HTCondor.
 */
type Disposition =
  | { readonly kind: "refused"; readonly reason: string; readonly hint: string; readonly unless?: (value: string) => boolean }
  | { readonly kind: "noted"; readonly note: string; readonly unless?: (value: string) => boolean };

const isFalse = (v: string): boolean => /^(false|no|0|)$/i.test(v.trim());
const isNone = (v: string): boolean => v.trim() === "" || v.trim() === "/dev/null";

const refused = (reason: string, hint: string, unless?: (value: string) => boolean): Disposition => ({ kind: "refused", reason, hint, ...(unless ? { unless } : {}) });
const noted = (note: string, unless?: (value: string) => boolean): Disposition => ({ kind: "noted", note, ...(unless ? { unless } : {}) });

const POLICY = refused("job policy expressions are evaluated by HTCondor's schedd against ClassAds, which skyrun does not have", "use max_retries (retries of failed attempts) and allowed_job_duration (a deadline); skyrun applies those.");
const TIMING = refused("skyrun starts a job as soon as it can; it cannot defer or schedule jobs by time", "submit the job when it should run (for example from cron).");
const VM = refused("VM universe jobs boot a virtual machine; skyrun runs containers", "name a container image as VM_IMAGE instead.");
const IGNORED_TUNING = noted("ignored: it has no meaning for a skyrun session");

const DISPOSITIONS: Readonly<Record<string, Disposition>> = {
  requirements: refused("skyrun has no machines to match against, so a Requirements expression (such as one on VM types) cannot be honoured", "drop it: the image is VM_IMAGE, the size VM_FLAVOR or request_cpus/request_memory/request_disk/request_gpus."),
  rank: noted("ignored: skyrun has no machines to prefer"),
  input: refused("skyrun sessions have no standard input", "pass the file's name as an argument and open it in the program.", isNone),
  hold: refused("skyrun has no held state to release a job from", "submit the job when it should run.", isFalse),
  grid_resource: refused("the grid universe forwards jobs to another batch system; skyrun runs them itself", "drop universe = grid and grid_resource."),
  machine_count: refused("a skyrun session is one container on one machine", "run one job per machine's share of the work.", (v) => v.trim() === "1"),
  periodic_hold: POLICY, periodic_remove: POLICY, periodic_release: POLICY, on_exit_hold: POLICY, on_exit_remove: POLICY,
  on_exit_hold_reason: POLICY, on_exit_hold_subcode: POLICY, periodic_hold_reason: POLICY, periodic_hold_subcode: POLICY, retry_until: POLICY,
  success_exit_code: refused("skyrun counts exit code 0 as success, as DAGMan does", "make the program exit 0 on success.", (v) => v.trim() === "0"),
  deferral_time: TIMING, deferral_window: TIMING, deferral_prep_time: TIMING, cron_minute: TIMING, cron_hour: TIMING, cron_day_of_month: TIMING,
  cron_month: TIMING, cron_day_of_week: TIMING, cron_prep_time: TIMING, cron_window: TIMING,
  concurrency_limits: refused("concurrency limits are pool-wide HTCondor resources", "use max_materialize (at most N of these jobs at once)."),
  concurrency_limits_expr: refused("concurrency limits are pool-wide HTCondor resources", "use max_materialize (at most N of these jobs at once)."),
  log_xml: refused("skyrun does not write the job event log in XML", "remove log_xml.", isFalse),
  transfer_output_remaps: refused("on the shared /arc nothing is transferred back, so output files cannot be renamed on the way", "write the files under the names you want, in the job."),
  output_destination: refused("on the shared /arc nothing is transferred back", "write the outputs where you want them, under /arc."),
  vm_type: VM, vm_memory: VM, vm_disk: VM, vm_networking: VM, vm_checkpoint: VM, vm_macaddr: VM, vm_no_output_vm: VM, xen_kernel: VM, xen_initrd: VM, xen_root: VM,
  docker_network_type: refused("skyrun chooses the network of its sessions", "remove docker_network_type."),
  container_service_names: refused("skyrun sessions do not publish network services", "remove container_service_names."),
  java_vm_args: refused("the java universe is not translated", "run java as the executable in a container image that has it."),
  jar_files: refused("the java universe is not translated", "run java as the executable in a container image that has it."),
  priority: noted("ignored: skyrun runs your jobs in its own queue order"),
  nice_user: noted("ignored: skyrun's fair share orders users"),
  accounting_group: noted("ignored: skyrun accounts by user, group, project and label (a +Attr label can name a project)"),
  accounting_group_user: noted("ignored: skyrun accounts by the submitting user"),
  next_job_start_delay: noted("ignored: use max_materialize to limit how many run at once"),
  x509userproxy: noted("no proxy certificate is sent with the job: skyrun jobs read and write /arc directly"),
  use_x509userproxy: noted("no proxy certificate is sent with the job: skyrun jobs read and write /arc directly", isFalse),
  leave_in_queue: noted("ignored: finished skyrun sessions stay listed for an hour and their records for 30 days", isFalse),
  kill_sig: IGNORED_TUNING, kill_sig_timeout: IGNORED_TUNING, job_max_vacate_time: IGNORED_TUNING, want_graceful_removal: IGNORED_TUNING,
  max_job_retirement_time: IGNORED_TUNING, job_lease_duration: IGNORED_TUNING, coresize: IGNORED_TUNING, image_size: IGNORED_TUNING,
  stack_size: IGNORED_TUNING, copy_to_spool: IGNORED_TUNING, keep_claim_idle: IGNORED_TUNING, match_list_length: IGNORED_TUNING,
  job_machine_attrs: IGNORED_TUNING, max_transfer_input_mb: IGNORED_TUNING, max_transfer_output_mb: IGNORED_TUNING, docker_pull_policy: IGNORED_TUNING,
  encrypt_input_files: IGNORED_TUNING, encrypt_output_files: IGNORED_TUNING, dont_encrypt_input_files: IGNORED_TUNING, dont_encrypt_output_files: IGNORED_TUNING,
  encrypt_execute_directory: IGNORED_TUNING, skip_filechecks: IGNORED_TUNING, load_profile: IGNORED_TUNING, run_as_owner: IGNORED_TUNING,
};

/** Custom resources (`request_<name>`) other than the four skyrun has. */
const OTHER_REQUEST = /^request_(?!cpus$|memory$|disk$|gpus$)(.+)$/;

/** Refuses the first command of the job that cannot be translated; notes the ones that are accepted with a difference. */
export function checkSubmitCommands(job: JobView, names: readonly string[]): void {
  for (const name of names) {
    const other = OTHER_REQUEST.exec(name);
    if (other) {
      const v = job.value(name)!;
      job.refuse(v.line, `${v.name} = ${v.text}`, `skyrun sessions have no custom resource '${other[1]!}'`, "ask for cores, memory, disk and GPUs with request_cpus, request_memory, request_disk and request_gpus.");
    }
    const d = DISPOSITIONS[name];
    if (!d) continue;
    const v = job.value(name)!;
    if (d.unless?.(v.text)) continue;
    if (d.kind === "refused") job.refuse(v.line, `${v.name} = ${v.text}`, d.reason, d.hint);
    else job.note(v.line, `${v.name}: ${d.note}`);
  }
}
