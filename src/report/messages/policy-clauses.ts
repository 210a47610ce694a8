import type { DriftRuleKey } from '../../policy/policy-drift.js';

/** The clauses each drift check holds the facts against, quoted from the policy as published: the same in every language. */
export const POLICY_CLAUSES: Record<DriftRuleKey, { readonly section: string; readonly text: string }> = {
  logpullRetention: {
    section: '■ 수집하는 개인정보 항목',
    text: '수집항목: 접속 국가, 접속 IP 정보 / 홈페이지(디도스,해킹)피해 방지를 위해 사용됩니다.',
  },
  logpushClientIp: {
    section: '[위탁업무 내용 및 수탁자]',
    text: '웹사이트 보안 및 해킹방지: Cloudflare(클라우드플레어) / ※ 수탁자에 공유되는 정보는 당해 목적을 달성하기 위하여 필요한 최소한 의 정보에 국한됩니다.',
  },
  overdueData: {
    section: '■ 개인정보의 보유 및 이용기간',
    text: '회사는 개인정보 수집 및 이용목적이 달성된 후에는 예외 없이 해당 정보를 지체 없이 파기합니다.',
  },
  purgeStale: {
    section: '■ 개인정보의 파기절차 및 방법',
    text: '회사는 원칙적으로 개인정보 수집 및 이용목적이 달성된 후에는 해당 정보를 지체없이 파기합니다.',
  },
};
