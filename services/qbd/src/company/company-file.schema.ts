import { Schema } from 'mongoose';

import { type QbdSettings } from '../posting/qbd-settings';

/** Company-file features QuickBooks reported as off (status 3250) or on, learned from list queries. */
export interface CompanyFileFeatures {
  inventorySites?: boolean;
  unitsOfMeasure?: boolean;
  multicurrency?: boolean;
  priceLevels?: boolean;
}

/** A QuickBooks Desktop company file paired with an account through the Web Connector. */
export interface CompanyFileDocument {
  /** The account id: one company file per account. */
  _id: string;
  connectionId: string;
  /** Web Connector `UserName`, unique across company files. */
  userName: string;
  /** scrypt hash of the Web Connector password; the password itself is never stored. */
  passwordHash: string;
  ownerId: string;
  fileId: string;
  appName: string;
  runEveryNMinutes: number;
  homeCurrency: string;
  /** The company file path the first session reported; later sessions must match it. */
  companyFile?: string;
  paused: boolean;
  settings: QbdSettings;
  features: CompanyFileFeatures;
  /** Requests per qbXML message the next session starts with, learned from QuickBooks' speed. */
  batchSize?: number;
  listsRefreshedAt?: Date;
  lastSessionAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const COMPANY_FILE_MODEL = 'QbdCompanyFile';

export const companyFileSchema = new Schema<CompanyFileDocument>(
  {
    _id: { type: String, required: true },
    connectionId: { type: String, required: true },
    userName: { type: String, required: true },
    passwordHash: { type: String, required: true },
    ownerId: { type: String, required: true },
    fileId: { type: String, required: true },
    appName: { type: String, required: true },
    runEveryNMinutes: { type: Number, required: true },
    homeCurrency: { type: String, required: true },
    companyFile: { type: String },
    paused: { type: Boolean, required: true, default: false },
    settings: { type: Schema.Types.Mixed, required: true },
    features: { type: Schema.Types.Mixed, default: {} },
    batchSize: { type: Number },
    listsRefreshedAt: { type: Date },
    lastSessionAt: { type: Date },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'qbd_company_files', versionKey: false, minimize: false },
);
companyFileSchema.index({ userName: 1 }, { unique: true });
