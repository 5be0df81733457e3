/**
 * Community tags (社区特征): a closed list the admin picks from. A rule with
 * `appliesToTags` is owed only by communities carrying one of its tags (a
 * village without a railway owes no railway patrols).
 */
export const COMMUNITY_TAGS = {
  railway: '铁路沿线',
  river: '河道沿线',
  waterlogging: '内涝点',
  'geological-hazard': '地质灾害点',
  'key-venue': '重点场所',
} as const;

export type CommunityTag = keyof typeof COMMUNITY_TAGS;
export const COMMUNITY_TAG_CODES = Object.keys(COMMUNITY_TAGS) as [CommunityTag, ...CommunityTag[]];
