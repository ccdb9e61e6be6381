/** Stored as smallint; values match the protobuf enums where one exists (Region, LineType). */
export enum AccountStatus {
  Active = 1,
  Suspended = 2,
  /** Former customers were exposed too, but their old numbers may now belong to someone else. */
  Former = 3,
}

export type Language = 'ur' | 'en';
