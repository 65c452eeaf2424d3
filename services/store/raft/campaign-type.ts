export const CampaignType = {
  PreElection: 'CampaignPreElection',
  Election: 'CampaignElection',
  /** Forced by MsgTimeoutNow: skips pre-vote and overrides the voters' leader lease. */
  Transfer: 'CampaignTransfer',
} as const;
export type CampaignType = (typeof CampaignType)[keyof typeof CampaignType];

/** Vote context marking a leadership-transfer campaign. */
export const campaignTransferContext: Uint8Array = new TextEncoder().encode(CampaignType.Transfer);
