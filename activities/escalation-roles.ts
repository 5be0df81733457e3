/** The rulebook's escalation roles as the database's user roles. */
export const ESCALATION_ROLE = { secretary: 'SECRETARY', 'area-leader': 'AREA_LEADER', 'political-legal': 'POLITICAL_LEGAL' } as const;

export type EscalationRoleName = keyof typeof ESCALATION_ROLE;
