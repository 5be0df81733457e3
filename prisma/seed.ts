// Demo data for `npm start` on a fresh database: one township, a few
// communities and one user per role. Idempotent: runs only when empty.
import type { Database } from '../db/client';
import { hashPassword } from '../db/passwords';

export const DEMO_PASSWORD = 'duban-demo-2022';

// Tags decide which rules apply (railway rules only along the railway, ...).
const COMMUNITIES = [
  { code: 'qingshui', name: '清水社区', tags: ['railway', 'key-venue'] },
  { code: 'taohua', name: '桃花村', tags: ['geological-hazard'] },
  { code: 'hebian', name: '河边村', tags: ['river', 'waterlogging'] },
  { code: 'xinmin', name: '新民社区', tags: [] },
];

const USERS = [
  {
    username: 'staff.qingshui',
    displayName: '王小红（清水社区网格员）',
    role: 'STAFF',
    communities: ['qingshui'],
    mobile: '13800000001',
    email: 'staff.qingshui@demo.duban.example',
  },
  {
    username: 'secretary.qingshui',
    displayName: '李书记（清水社区）',
    role: 'SECRETARY',
    communities: ['qingshui'],
    mobile: '13800000002',
    email: 'secretary.qingshui@demo.duban.example',
  },
  {
    username: 'staff.taohua',
    displayName: '张伟（桃花村网格员）',
    role: 'STAFF',
    communities: ['taohua'],
    mobile: '13800000003',
    email: 'staff.taohua@demo.duban.example',
  },
  {
    username: 'leader.east',
    displayName: '陈挂片（东片区）',
    role: 'AREA_LEADER',
    communities: ['qingshui', 'taohua'],
    mobile: '13800000004',
    email: 'leader.east@demo.duban.example',
  },
  {
    username: 'zhengfa',
    displayName: '刘政法委员',
    role: 'POLITICAL_LEGAL',
    communities: [],
    mobile: '13800000005',
    email: 'zhengfa@demo.duban.example',
  },
  { username: 'admin', displayName: '系统管理员', role: 'ADMIN', communities: [], mobile: null, email: 'admin@demo.duban.example' },
] as const;

export async function seedDemoTownship(db: Database): Promise<{ created: boolean }> {
  if ((await db.township.count()) > 0) return { created: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(async (tx) => {
    const township = await tx.township.create({ data: { code: 'demo', name: '示范镇' } });
    const communityIds = new Map<string, string>();
    for (const c of COMMUNITIES) {
      const community = await tx.community.create({ data: { ...c, townshipId: township.id } });
      communityIds.set(c.code, community.id);
    }
    for (const u of USERS) {
      await tx.user.create({
        data: {
          townshipId: township.id,
          username: u.username,
          displayName: u.displayName,
          role: u.role,
          mobile: u.mobile,
          // Reserved domain: under `npm start` mail goes to the local capture (.duban/mail), never out.
          email: u.email,
          passwordHash,
          memberships: { create: u.communities.map((code) => ({ communityId: communityIds.get(code)! })) },
        },
      });
    }
  });
  return { created: true };
}
