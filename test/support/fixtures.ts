// Test data in the shared test database: every call makes its own township
// with unique codes, so test files never see each other's rows.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/client';
import { hashPassword } from '../../db/passwords';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestTownship {
  townshipId: string;
  community: { id: string; name: string };
  otherCommunity: { id: string; name: string };
  users: { staff: string; secretary: string; leader: string; zhengfa: string; admin: string; otherStaff: string };
  usernames: Record<keyof TestTownship['users'], string>;
}

export async function createTestTownship(db: Database, label: string): Promise<TestTownship> {
  const tag = `${label}-${randomUUID().slice(0, 8)}`;
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const township = await db.township.create({ data: { code: `t-${tag}`, name: `测试镇 ${tag}` } });
  const community = await db.community.create({ data: { townshipId: township.id, code: `c-${tag}`, name: '清水社区' } });
  const other = await db.community.create({ data: { townshipId: township.id, code: `o-${tag}`, name: '桃花村' } });
  const user = async (role: 'STAFF' | 'SECRETARY' | 'AREA_LEADER' | 'POLITICAL_LEGAL' | 'ADMIN', name: string, communities: string[]) =>
    db.user.create({
      data: {
        townshipId: township.id,
        username: `${name}-${tag}`,
        displayName: name,
        role,
        passwordHash,
        mobile: '13800000000',
        email: `${name}@duban.test`,
        memberships: { create: communities.map((communityId) => ({ communityId })) },
      },
    });
  const staff = await user('STAFF', 'staff', [community.id]);
  const secretary = await user('SECRETARY', 'secretary', [community.id]);
  const leader = await user('AREA_LEADER', 'leader', [community.id, other.id]);
  const zhengfa = await user('POLITICAL_LEGAL', 'zhengfa', []);
  const admin = await user('ADMIN', 'admin', []);
  const otherStaff = await user('STAFF', 'other-staff', [other.id]);
  return {
    townshipId: township.id,
    community: { id: community.id, name: community.name },
    otherCommunity: { id: other.id, name: other.name },
    users: { staff: staff.id, secretary: secretary.id, leader: leader.id, zhengfa: zhengfa.id, admin: admin.id, otherStaff: otherStaff.id },
    usernames: {
      staff: staff.username,
      secretary: secretary.username,
      leader: leader.username,
      zhengfa: zhengfa.username,
      admin: admin.username,
      otherStaff: otherStaff.username,
    },
  };
}

/** Evidence rows as an upload would leave them, ready to be submitted. */
export async function createEvidence(db: Database, communityId: string, uploadedById: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    await db.evidence.create({
      data: {
        id,
        communityId,
        uploadedById,
        storageKey: `test/${id}`,
        fileName: `photo-${i}.jpg`,
        mimeType: 'image/jpeg',
        sizeBytes: 1000,
        sha256: id.replace(/-/g, ''),
      },
    });
    ids.push(id);
  }
  return ids;
}
