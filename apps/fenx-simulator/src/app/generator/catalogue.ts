/** The made-up content of the simulated tenant: names, values, users and the journey template. */

export const COUNTRIES = ['GB', 'IE', 'US', 'DE', 'FR', 'LU', 'SG', 'HK'];
export const COMPANY_WORDS = [
  'Acme',
  'Northwind',
  'Contoso',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Hooli',
  'Vandelay',
  'Wonka',
  'Gringotts',
  'Oceanic',
];
export const COMPANY_SUFFIXES = ['Ltd', 'plc', 'GmbH', 'SA', 'Inc', 'LLP', 'Holdings'];
export const FIRST_NAMES = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus'];
export const LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Thompson',
  'Hamilton',
  'Torvalds',
];
export const RISK_LEVELS = ['Low', 'Medium', 'High'];
export const INDUSTRIES = ['Banking', 'Insurance', 'Retail', 'Energy', 'Shipping', 'Technology'];
export const ASSOCIATION_TYPES = ['Director', 'Shareholder', 'Ultimate Beneficial Owner', 'Signatory'];
export const USERS = [
  'analyst.one@bank.example',
  'analyst.two@bank.example',
  'analyst.three@bank.example',
  'reviewer.one@bank.example',
  'reviewer.two@bank.example',
  'approver@bank.example',
];
export const TEAMS = ['Onboarding', 'KYC Review', 'Approvals'];
export const JOURNEY_TYPES = ['Client Onboarding', 'Periodic Review', 'Client Maintenance'];

/** Data keys that Data tasks edit in a draft; a few per journey, so journeys on one entity collide. */
export const EDITABLE_KEYS = [
  'legalEntityName',
  'registeredAddress',
  'industry',
  'riskRating',
  'phoneNumber',
  'website',
  'taxIdentifier',
  'middleName',
];

export interface TaskTemplate {
  name: string;
  taskKey: string;
  taskType: 'Data' | 'Review' | 'Integration' | 'Document' | 'Approval';
  team: number;
}

export interface StageTemplate {
  name: string;
  processes: { name: string; tasks: TaskTemplate[] }[];
}

export const JOURNEY_TEMPLATE: StageTemplate[] = [
  {
    name: 'Capture',
    processes: [
      {
        name: 'Client Details',
        tasks: [
          { name: 'Capture Client Details', taskKey: 'captureClientDetails', taskType: 'Data', team: 0 },
          { name: 'Capture Ownership', taskKey: 'captureOwnership', taskType: 'Data', team: 0 },
        ],
      },
    ],
  },
  {
    name: 'Enrich',
    processes: [
      {
        name: 'Screening',
        tasks: [
          { name: 'Run Screening', taskKey: 'runScreening', taskType: 'Integration', team: 0 },
          { name: 'Review Screening Hits', taskKey: 'reviewScreeningHits', taskType: 'Review', team: 1 },
        ],
      },
      {
        name: 'Documents',
        tasks: [{ name: 'Collect Documents', taskKey: 'collectDocuments', taskType: 'Document', team: 0 }],
      },
    ],
  },
  {
    name: 'Review',
    processes: [
      {
        name: 'Risk Assessment',
        tasks: [{ name: 'Assess Risk', taskKey: 'assessRisk', taskType: 'Data', team: 1 }],
      },
    ],
  },
  {
    name: 'Approve',
    processes: [
      {
        name: 'Approval',
        tasks: [{ name: 'Approve Client', taskKey: 'approveClient', taskType: 'Approval', team: 2 }],
      },
    ],
  },
];
