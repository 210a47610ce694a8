import { createHash, randomBytes } from 'node:crypto';
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';

/**
 * RFC 3161 time stamps of signed audit heads, through pkijs/asn1js (no hand-written DER). A token proves the head,
 * and so every entry up to it, existed when the authority stamped it: entries cannot later be backdated, even by
 * someone holding the signing key.
 */

const SHA256_OID = '2.16.840.1.101.3.4.2.1';

interface Pki {
  readonly pkijs: typeof Pkijs;
  readonly asn1js: typeof Asn1js;
}
let pki: Promise<Pki> | undefined;

/**
 * pkijs and asn1js, imported by the first time stamp a run asks for or checks (most runs do neither), with pkijs's
 * engine set to Node's WebCrypto.
 */
function loadPki(): Promise<Pki> {
  pki ??= Promise.all([import('pkijs'), import('asn1js')]).then(([pkijs, asn1js]) => {
    pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: globalThis.crypto }));
    return { pkijs, asn1js };
  });
  return pki;
}

export interface TimestampRequest {
  readonly der: Buffer;
  readonly nonce: Buffer;
}

/** A DER TimeStampReq for SHA-256 of `data`, asking for the TSA's certificate in the token (verify needs it). */
export async function buildTimestampRequest(data: Buffer): Promise<TimestampRequest> {
  const { pkijs, asn1js } = await loadPki();
  const nonce = randomBytes(8);
  nonce[0] = nonce[0]! & 0x7f; // a positive INTEGER
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: createHash('sha256').update(data).digest() }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  return { der: Buffer.from(request.toSchema().toBER(false)), nonce };
}

/**
 * The token (DER ContentInfo) from a TSA's DER TimeStampResp, after checking it grants the request, answers our
 * nonce and stamps our data; otherwise an Error saying why.
 */
export async function readTimestampResponse(der: Buffer, request: TimestampRequest, data: Buffer): Promise<Buffer> {
  const { pkijs } = await loadPki();
  const response = pkijs.TimeStampResp.fromBER(toArrayBuffer(der));
  const status = response.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    throw new Error(
      `the time-stamping authority refused the request (PKIStatus ${status}${response.status.statusStrings ? `: ${response.status.statusStrings.map((s) => s.valueBlock.value).join('; ')}` : ''})`,
    );
  }
  if (response.timeStampToken === undefined) throw new Error('the time-stamping authority sent no token');
  const info = readTstInfo(pkijs, response.timeStampToken);
  if (info.nonce === undefined || !Buffer.from(info.nonce.valueBlock.valueHexView).equals(request.nonce))
    throw new Error('the token does not answer our nonce');
  if (!(await info.verify({ data: toArrayBuffer(data) }))) throw new Error('the token stamps other data than the head sent');
  return Buffer.from(response.timeStampToken.toSchema().toBER(false));
}

export interface TimestampCheck {
  readonly ok: boolean;
  /** When the authority stamped the data, when the token could be read. */
  readonly genTime: Date | undefined;
  readonly problem: string | undefined;
}

/** Whether `token` (DER) stamps exactly `data` and is signed by the TSA certificate `certificatePem`. */
export async function verifyTimestampToken(token: Buffer, data: Buffer, certificatePem: string): Promise<TimestampCheck> {
  const { pkijs } = await loadPki();
  let genTime: Date | undefined;
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(token));
    const info = readTstInfo(pkijs, contentInfo);
    genTime = info.genTime;
    if (!(await info.verify({ data: toArrayBuffer(data) }))) return { ok: false, genTime, problem: 'the token stamps other data: it belongs to another head' };
    const trusted = pkijs.Certificate.fromBER(toArrayBuffer(readPemDer(certificatePem)));
    const signed = new pkijs.SignedData({ schema: contentInfo.content });
    const result = await signed.verify({ signer: 0, data: toArrayBuffer(data), trustedCerts: [trusted], extendedMode: true, checkChain: false });
    // The token carries its signer's certificate; it must be the configured one, not any certificate at all.
    const signer = result.signerCertificate;
    const isTrusted =
      signer !== undefined && signer !== null && Buffer.from(signer.toSchema().toBER(false)).equals(Buffer.from(trusted.toSchema().toBER(false)));
    if (!result.signatureVerified) return { ok: false, genTime, problem: 'the token signature does not verify' };
    if (!isTrusted) return { ok: false, genTime, problem: 'the token is signed by another certificate than the configured TSA certificate' };
    return { ok: true, genTime, problem: undefined };
  } catch (err) {
    return { ok: false, genTime, problem: `the token cannot be checked: ${(err as Error).message}` };
  }
}

function readTstInfo(pkijs: typeof Pkijs, contentInfo: Pkijs.ContentInfo): Pkijs.TSTInfo {
  const signed = new pkijs.SignedData({ schema: contentInfo.content });
  const content = signed.encapContentInfo.eContent;
  if (content === undefined) throw new Error('the token has no TSTInfo');
  return pkijs.TSTInfo.fromBER(toArrayBuffer(Buffer.from(content.getValue())));
}

function readPemDer(pem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new Error('the TSA certificate is not a PEM certificate');
  return Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
