'use strict';
// osls variable resolver for the params that need more than a default
// (`${file(./infra/params.cjs):trailBucket}`): a missing required param, or a combination
// that cannot work, fails `osls package`/`deploy` with the flag to add, instead of osls's
// bare "Value not found at param source" or a stack that deploys but receives nothing.
// CommonJS (.cjs) because osls loads resolver files with require().

/** `insightDetails.eventSource` of group insights (lib/series/series.ts GROUP_EVENT_SOURCE). */
const GROUP_EVENT_SOURCE = 'trail-insights.group';

const param = async (resolveVariable, name) => {
  const value = await resolveVariable(`param:${name}, null`);
  return value === null || value === undefined ? '' : String(value);
};

module.exports = async ({ resolveVariable }) => {
  const trailBucket = await param(resolveVariable, 'trailBucket');
  if (!trailBucket) {
    throw new Error(
      'Missing required param trailBucket (the existing S3 bucket your CloudTrail trail delivers to): ' +
        'add --param="trailBucket=<bucket name>" (docs/deploy.md)',
    );
  }
  const bucketWiring = await param(resolveVariable, 'bucketWiring');
  const trailTopicArn = await param(resolveVariable, 'trailTopicArn');
  if (bucketWiring === 'sns' && !trailTopicArn) {
    throw new Error(
      'bucketWiring=sns needs the topic the trail bucket notifies: add --param="trailTopicArn=<topic ARN>" (docs/deploy.md)',
    );
  }
  if (bucketWiring !== 'sns' && trailTopicArn) {
    throw new Error(`trailTopicArn is only used with bucketWiring=sns (bucketWiring is ${bucketWiring})`);
  }
  // pagingEventSources split for the two paging rules (infra/paging.yml): per-API sources,
  // and whether the group insights page ('' pages everything).
  const pagingEventSources = (await param(resolveVariable, 'pagingEventSources')).split(',').filter((source) => source !== '');
  const pagingApiSources = pagingEventSources.filter((source) => source !== GROUP_EVENT_SOURCE).join(',');
  const pagingGroups = String(pagingEventSources.length === 0 || pagingEventSources.includes(GROUP_EVENT_SOURCE));
  return { trailBucket, trailTopicArn, pagingApiSources, pagingGroups };
};
