import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../src/errors.js';
import {
  GITHUB_AUTH,
  JIRA_AUTH,
  LINEAR_AUTH,
  MissingSignatureError,
  checkSignature,
} from '../../../src/ingest/delivery/webhook-signature.js';

// Published test vectors (../shared/reference/delivery-sources.md §1.2 and §3.2)
const SECRET = "It's a Secret to Everybody";

describe('webhook signatures', () => {
  it("verifies GitHub's published vector (X-Hub-Signature-256)", () => {
    const raw = Buffer.from('Hello, World!');
    const sig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(() => checkSignature(SECRET, raw, sig, GITHUB_AUTH)).not.toThrow();
  });

  it("verifies Jira's published vector (X-Hub-Signature)", () => {
    const raw = Buffer.from('Hello World!');
    const sig = 'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9';
    expect(() => checkSignature(SECRET, raw, sig, JIRA_AUTH)).not.toThrow();
  });

  it('verifies a Linear signature: bare hex, no prefix', () => {
    const raw = Buffer.from('Hello, World!');
    const sig = '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(() => checkSignature(SECRET, raw, sig, LINEAR_AUTH)).not.toThrow();
    expect(() => checkSignature(SECRET, raw, `sha256=${sig}`, LINEAR_AUTH)).toThrow(UnauthorizedError);
  });

  it('refuses a body changed by one byte, the other vector, and another secret (401)', () => {
    const sig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(() => checkSignature(SECRET, Buffer.from('Hello, World?'), sig, GITHUB_AUTH)).toThrow(UnauthorizedError);
    expect(() => checkSignature(SECRET, Buffer.from('Hello World!'), sig, JIRA_AUTH)).toThrow(UnauthorizedError);
    expect(() => checkSignature('another secret', Buffer.from('Hello, World!'), sig, GITHUB_AUTH)).toThrow(UnauthorizedError);
  });

  it('refuses a GitHub signature without its sha256= prefix', () => {
    const sig = '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(() => checkSignature(SECRET, Buffer.from('Hello, World!'), sig, GITHUB_AUTH)).toThrow(UnauthorizedError);
  });

  it('answers 400 naming the header and the variable when the signature is missing', () => {
    let err: unknown;
    try {
      checkSignature(SECRET, Buffer.from('x'), undefined, JIRA_AUTH);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingSignatureError);
    expect((err as MissingSignatureError).status).toBe(400);
    expect((err as Error).message).toContain('x-hub-signature');
    expect((err as Error).message).toContain('JIRA_WEBHOOK_SECRET');
    expect(() => checkSignature(SECRET, Buffer.from('x'), '  ', GITHUB_AUTH)).toThrow(MissingSignatureError);
  });
});
