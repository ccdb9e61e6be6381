// Twilio's legacy REST error body, which twilio-node turns into RestException{status, code, message, moreInfo}.
// Codes and HTTP statuses follow the reference notes (deploy/local/twilio-stand-in/README.md, "Errors").

export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  toBody(): TwilioErrorBody {
    return { code: this.code, message: this.message, more_info: moreInfo(this.code), status: this.status };
  }
}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function moreInfo(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

export const apiErrors = {
  authenticate: () => new TwilioApiError(401, 20003, 'Authenticate'),
  notFound: (path: string) => new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  invalidParameter: (name: string) => new TwilioApiError(400, 20001, `Invalid value for parameter ${name}`),
  tooManyRequests: () => new TwilioApiError(429, 20429, 'Too Many Requests'),
  internal: () => new TwilioApiError(500, 20500, 'Internal Server Error'),
  invalidTo: (to: string) => new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  invalidFrom: (from: string) =>
    new TwilioApiError(
      400,
      21212,
      `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
    ),
  missingBody: () => new TwilioApiError(400, 21602, 'Message body is required.'),
  missingFrom: () => new TwilioApiError(400, 21603, "A 'From' phone number is required."),
  missingTo: () => new TwilioApiError(400, 21604, "A 'To' phone number is required."),
  invalidStatusCallback: () => new TwilioApiError(400, 21609, 'Invalid StatusCallback URL'),
  optedOut: () => new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient'),
  queueFull: () =>
    new TwilioApiError(400, 21611, "This 'From' number has exceeded the maximum number of queued messages"),
  notMobile: () => new TwilioApiError(400, 21614, "'To' number is not a valid mobile number"),
  bodyTooLong: () => new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit'),
  invalidValidityPeriod: () => new TwilioApiError(400, 21624, 'Invalid validity period value'),
  invalidMessagingService: () => new TwilioApiError(400, 21705, 'The Messaging Service is invalid'),
};

/** Errors reported after a 201: on the resource (error_code/error_message) and as ErrorCode in callbacks. */
export const ASYNC_ERRORS = {
  30001: 'Queue overflow',
  30003: 'Unreachable destination handset',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30008: 'Unknown error',
  30036: 'Validity Period Expired',
} as const;

export type AsyncErrorCode = keyof typeof ASYNC_ERRORS;
