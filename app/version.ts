/** The version of this build, shown by `-version`, on `/` and in `vm_app_version`. */
export const VERSION = "vmagent-deno-v0.1.0";
/** The short form used in `vm_app_version{short_version}`. */
export const SHORT_VERSION = "v0.1.0";
