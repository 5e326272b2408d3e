// What trainees post on the forum: replies under generated threads, kept by the lab
// (lab_forum_posts) with the world's time, shown after the thread's own posts.
import type { Db } from '../../../chain/store/open.ts';

export const FORUM_POSTS_SQL = `
CREATE TABLE IF NOT EXISTS lab_forum_posts (
  id          INTEGER PRIMARY KEY,
  site        TEXT NOT NULL,
  thread_id   TEXT NOT NULL,
  account_id  INTEGER NOT NULL,
  handle      TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lab_forum_posts_thread ON lab_forum_posts(site, thread_id, id);
CREATE INDEX IF NOT EXISTS lab_forum_posts_handle ON lab_forum_posts(site, handle, id);
`;

export interface LabReply {
  id: number;
  threadId: string;
  accountId: number;
  handle: string;
  body: string;
  createdAt: number;
}

interface Row { id: number; thread_id: string; account_id: number; handle: string; body: string; created_at: number }
const fromRow = (r: Row): LabReply => ({ id: r.id, threadId: r.thread_id, accountId: r.account_id, handle: r.handle, body: r.body, createdAt: r.created_at });

export class ForumReplies {
  private readonly st;

  constructor(db: Db, private readonly site: string) {
    db.exec(FORUM_POSTS_SQL);
    this.st = {
      insert: db.prepare('INSERT INTO lab_forum_posts (site, thread_id, account_id, handle, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      ofThread: db.prepare('SELECT * FROM lab_forum_posts WHERE site = ? AND thread_id = ? ORDER BY id'),
      ofHandle: db.prepare('SELECT * FROM lab_forum_posts WHERE site = ? AND handle = ? COLLATE NOCASE ORDER BY id DESC LIMIT 200'),
      counts: db.prepare('SELECT thread_id AS t, COUNT(*) AS n, MAX(created_at) AS last FROM lab_forum_posts WHERE site = ? GROUP BY thread_id'),
    };
  }

  add(r: Omit<LabReply, 'id'>): LabReply {
    const res = this.st.insert.run(this.site, r.threadId, r.accountId, r.handle, r.body, r.createdAt);
    return { ...r, id: Number(res.lastInsertRowid) };
  }

  ofThread(threadId: string): LabReply[] {
    return (this.st.ofThread.all(this.site, threadId) as Row[]).map(fromRow);
  }

  ofHandle(handle: string): LabReply[] {
    return (this.st.ofHandle.all(this.site, handle) as Row[]).map(fromRow);
  }

  /** Replies per thread and the latest one's time. */
  counts(): Map<string, { n: number; last: number }> {
    return new Map((this.st.counts.all(this.site) as { t: string; n: number; last: number }[]).map((r) => [r.t, { n: r.n, last: r.last }]));
  }
}
