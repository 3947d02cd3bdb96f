/**
 * Where an account-region's CloudTrail files live, so our Insights files can be written
 * beside them in the same layout: `<prefix>AWSLogs/[<orgId>/]<account>/CloudTrail-Insight/...`.
 */
export interface LogLocation {
  bucket: string;
  /** Key prefix before `AWSLogs/`, empty or ending in `/`. */
  prefix: string;
  /** Organization id (`o-...`) of an organization trail. */
  orgId?: string;
}
