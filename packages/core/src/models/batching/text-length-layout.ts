/**
 * The batch layout of text tasks: requests carry strings ([n] BYTES) and join like any 1-D tensor, but the
 * worker pads the merged batch to its longest text, so a request joins only while the merged run holds at
 * most twice the real text (string length stands in for tokens: the tokens are counted in the worker).
 */
import { exactShapeLayout, type BatchLayout, type BatchMember } from './batch-layout.js';

/** Texts of a member, plus 2 per text for the special tokens every text gets. */
function lengths(member: BatchMember): number[] {
  const texts = member.feeds[0]!.data as string[];
  return texts.map((text) => text.length + 2);
}

export const textLengthLayout: BatchLayout = {
  ...exactShapeLayout,
  accepts(members, candidate) {
    const all = [...members, candidate].flatMap(lengths);
    let longest = 0;
    let real = 0;
    for (const length of all) {
      longest = Math.max(longest, length);
      real += length;
    }
    return longest * all.length <= 2 * real;
  },
};
