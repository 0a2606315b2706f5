import { isDuplicateKeyError } from '@qbsync/platform';
import { type Model } from 'mongoose';

const DUPLICATE_KEY_CODE = 11000;

/**
 * Inserts `documents` in one round trip and returns the ids that already existed. Inserting a
 * chosen `_id` is the only exclusive decision FerretDB 1.24 makes atomically, and a batch insert
 * is far cheaper there than one update per document.
 */
export async function insertManyIgnoringDuplicates<T extends { _id: string }>(
  model: Model<T>,
  documents: T[],
): Promise<Set<string>> {
  if (documents.length === 0) {
    return new Set();
  }

  try {
    await model.insertMany(documents, { ordered: false });

    return new Set();
  } catch (error) {
    const writeErrors = (
      error as {
        writeErrors?: Array<{
          index?: number;
          code?: number;
          err?: { index?: number; code?: number };
        }>;
      }
    ).writeErrors;

    if (!writeErrors && isDuplicateKeyError(error)) {
      // A single failed insert reports its error without the list.
      return new Set(documents.map((document) => document._id));
    }

    if (!writeErrors || writeErrors.length === 0) {
      throw error;
    }

    const duplicates = new Set<string>();

    for (const writeError of writeErrors) {
      const code = writeError.code ?? writeError.err?.code;
      const index = writeError.index ?? writeError.err?.index;

      if (code !== DUPLICATE_KEY_CODE || index === undefined) {
        throw error;
      }

      const document = documents[index];

      if (document) {
        duplicates.add(document._id);
      }
    }

    return duplicates;
  }
}
