// The forum's content as plain data: boards, threads, posts and the users who wrote them. Built once
// from the world (content.ts); trainees' replies live in the lab's table (replies.ts) and are
// shown after the generated posts.
import type { Lang } from '../kit/i18n.ts';

export type BoardId = 'announcements' | 'mirrors' | 'scams' | 'vendors' | 'news' | 'exchange' | 'general';
export const BOARDS: readonly BoardId[] = ['announcements', 'mirrors', 'scams', 'vendors', 'news', 'exchange', 'general'];

export type Role = 'staff' | 'vendor' | 'member' | 'operator' | 'moderator';

/** Whose PGP key signs a post or belongs to a user. */
export type KeyRef = { kind: 'market'; marketId: string } | { kind: 'vendor'; vendorEntityId: number };

export interface ForumUser {
  handle: string;
  role: Role;
  /** When the account was made (unix seconds). */
  joined: number;
  lang: Lang;
  /** The market a staff member or vendor belongs to (its name). */
  market?: string;
  key?: KeyRef;
}

/** The part of a post that is clear-signed: `text` signed by `key` at `at`. */
export interface SignedPart {
  key: KeyRef;
  text: string;
  at: number;
}

export interface ForumPost {
  /** 'a1b2c3d4-3': thread id and position (1-based). */
  id: string;
  threadId: string;
  author: string;
  at: number;
  lang: Lang;
  /** Paragraphs of plain text; onion URLs in them become links. */
  body: string[];
  signed?: SignedPart;
}

export interface ForumThread {
  /** Eight hex digits, stable for a world. */
  id: string;
  board: BoardId;
  title: string;
  lang: Lang;
  pinned: boolean;
  /** What the thread is about, for instructors' notes and search: 'phishing', 'exit-scam', 'market:silkway', … */
  tags: string[];
  posts: ForumPost[];
}
