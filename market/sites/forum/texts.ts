// What the forum's people write, in English and Russian: market staff's announcements, mirror
// lists, vendors' threads and buyers' reviews, scam reports, news of takedowns and exit scams, the
// phisher's "new mirror" and the warnings that follow. Hand-written templates with {placeholders};
// content.ts picks among them with the world's Rng. About escrow, shipping, keys and scams only —
// never about use, dose, making or sourcing of any product.
import type { Lang } from '../kit/i18n.ts';

export interface ForumTexts {
  welcomeTitle: string;
  welcomeIntro: string;
  welcomeSigned: string[];
  welcomeReplies: string[];
  mirrorsTitle: string;
  mirrorsIntro: string;
  mirrorsSignedHead: string[];
  mirrorsSignedFoot: string[];
  mirrorsReplies: string[];

  cloneMirrorTitle: string;
  cloneMirrorBody: string[];
  cloneShill: string[];
  cloneWarning: string[];
  cloneStaff: string[];
  cloneLateVictim: string[];
  cloneReportTitle: string;
  cloneReportBody: string[];
  cloneOtherVictim: string[];
  cloneReportAdvice: string[];

  maintenanceTitle: string;
  maintenanceBody: string[];
  maintenanceReplies: string[];
  maintenanceDay: string;
  exitTitle: string;
  exitBody: string[];
  exitReplies: string[];

  seizureTitle: string;
  seizureBody: string[];
  seizureReplies: string[];
  hackTitle: string;
  hackBody: string[];
  hackReplies: string[];
  hackResume: string;
  migrationTitle: string;
  migrationBody: string[];
  migrationReplies: string[];

  vendorExitTitle: string;
  vendorExitBody: string[];
  vendorExitReplies: string[];
  vendorGone: string;

  vendorTitle: string;
  vendorIntro: string[];
  vendorEscrow: string;
  vendorFe: string;
  vendorShopSigned: string[];
  vendorShopIntro: string;
  reviewGood: string[];
  reviewBad: string[];
  vendorThanks: string[];

  scamShopTitle: string;
  scamShopBody: string[];
  scamShopShill: string[];
  scamWarnTitle: string;
  scamWarnBody: string[];
  scamWarnReplies: string[];

  exchangerTitle: string;
  exchangerBody: string[];
  exchangerGood: string[];
  exchangerBad: string[];

  guideTitle: string;
  guideBody: string[];
  guideReplies: string[];
}

const EN: ForumTexts = {
  welcomeTitle: '[OFFICIAL] {market}: rules, escrow and how to check it is us',
  welcomeIntro: 'Signed with our market key. The fingerprint is on the /pgp page of every mirror.',
  welcomeSigned: [
    '{market} - official announcement',
    'Date: {date}',
    '',
    '1. Every order goes through escrow. Escrow releases {days} days after shipping unless you dispute.',
    '2. Market commission: {commission} of each order.',
    '3. Staff will never ask for your password, withdrawal PIN or wallet recovery phrase.',
    '4. Every announcement and mirror list we publish is signed with this key. An unsigned announcement is not from us.',
    '5. Banned: weapons, poisons, anything involving minors, contract violence. Such listings and their vendors are removed.',
  ],
  welcomeReplies: [
    'Signature checks out against the key on /pgp.',
    'Good. I bookmarked the mirrors from the signed list only.',
    'Thanks for signing everything, it makes life easier.',
    'gpg: Good signature from "{market} (market key)". Fingerprint matches.',
    'Rule 4 is the one to remember.',
  ],
  mirrorsTitle: '{market}: official mirrors (signed)',
  mirrorsIntro: 'Current list. Verify the signature before you use any link below.',
  mirrorsSignedHead: ['{market} - mirror list', 'Updated: {date}', ''],
  mirrorsSignedFoot: ['', 'An address that is not on this list is not ours.'],
  mirrorsReplies: ['All of them load for me.', 'Second mirror is slow today but works.', 'Matches the signed mirrors.txt on the market itself.', 'Saved. Thanks.'],

  cloneMirrorTitle: '{market} NEW MIRROR - main is down (DDoS)',
  cloneMirrorBody: ['Main link is under DDoS again. This mirror works, staff confirmed it in the chat:', '{url}', 'Log in with your usual account, everything is there.'],
  cloneShill: ['works, thx', 'logged in fine, thanks man', 'finally one that loads'],
  cloneWarning: [
    'Careful: this address is NOT in the signed mirror list. It starts with the same {n} characters as the real one and ends the same way, everything in between is different.',
    'The real one is {real}. This is a phishing clone. Compare every character.',
  ],
  cloneStaff: ['We publish mirrors only in signed messages. This link is not ours. Do not log in there.'],
  cloneLateVictim: ['Too late for me. I logged in there and my order payment never arrived.'],
  cloneReportTitle: '[SCAM] Phishing clone of {market} took my payment',
  cloneReportBody: [
    'I used the mirror posted on the mirrors board ({url}) and placed an order. Paid it to {address}.',
    'The order is not on my account on the real market and support says they never received anything.',
    'The clone also asked for my withdrawal PIN at login. Do not use that link.',
  ],
  cloneOtherVictim: ['Same here. Paid to {address}, gone.', 'Same clone got me, paid to {address}. The login page asked for my recovery phrase, I should have known.'],
  cloneReportAdvice: [
    'Its mirrors.txt is signed, but not with the market key: gpg says the signature was made by another key. Check the full fingerprint, not the last digits.',
    'Order pages on the real market show deposit addresses of the market itself. The clone swaps in its own.',
  ],

  maintenanceTitle: 'Scheduled maintenance: withdrawals paused',
  maintenanceBody: ['Dear users, we are upgrading our wallet servers. Withdrawals are paused for 24-48 hours. Deposits and orders work as usual.', 'We apologise for the inconvenience. - Staff'],
  maintenanceReplies: [
    'Why is this one not signed? Every announcement so far was signed with the market key.',
    'No signature, withdrawals off, deposits still on. That is how the last exit scams started.',
    'Staff, please sign this with the market key.',
    'Stop depositing until withdrawals work again.',
  ],
  maintenanceDay: 'Day {n} and still no withdrawals. No signed word from staff.',
  exitTitle: '{market} is down - exit scam?',
  exitBody: ['{market} has been unreachable since {date}. Withdrawals were frozen for {days} days before that, behind an unsigned "maintenance" notice.', 'Anyone who still had coins there: assume they are gone.'],
  exitReplies: [
    'Lost the escrow on two orders.',
    'Vendors lost their balances too.',
    'The maintenance post was never signed. Lesson learned.',
    'Someone who watches the chain says their wallets were emptied right before it went dark.',
  ],

  seizureTitle: '{market} seized - banner from {agency}',
  seizureBody: ['Every {market} address now shows a seizure banner by {agency} ({country}).', 'Do not log in anywhere that claims to be a {market} mirror now.'],
  seizureReplies: [
    'Banner is on every mirror.',
    'If you reused that password anywhere, change it.',
    'Vendors who show up elsewhere: check that their signed message uses the same key as before.',
    'Hope nobody left their address unencrypted.',
  ],
  hackTitle: '{market} withdrawals frozen - hacked?',
  hackBody: ['{market} paused withdrawals "for maintenance" on {date}. Rumour is the hot wallet was drained.'],
  hackReplies: ['Orders still work, withdrawals do not.', 'Same pattern as an exit. Or they really got hacked. Wait and see.', 'Do not deposit more than you need for one order.'],
  hackResume: 'Withdrawals are back on {market} as of {date}. Mine went through.',
  migrationTitle: '{from} vendors are showing up on {to}',
  migrationBody: ['Since {from} went down, these vendors have opened on {to}:', '{list}', 'Check that their signed messages use the same key as before.'],
  migrationReplies: ['Same handle and same key for the one I use. Good.', 'One of them has a new key. Be careful.', 'Expected. Vendors follow the buyers.'],

  vendorExitTitle: '[SCAM?] {handle} on {market} stopped shipping',
  vendorExitBody: ['Ordered from {handle} on {date}, marked as shipped, nothing arrived. Messages go unanswered.'],
  vendorExitReplies: ['Same, two orders since {date}.', 'Was it finalize early? Then the money is gone.', 'Classic: big sales run with FE, then gone.', 'Their listings were still up yesterday.'],
  vendorGone: '{handle} is gone from {market}. Profile removed.',

  vendorTitle: '{handle} - official thread ({market})',
  vendorIntro: ['Official thread of {handle} on {market}. We ship from {country}.', 'Our PGP key is on our {market} profile. We never ask you to pay outside the market.'],
  vendorEscrow: 'All orders with escrow. Finalize when it arrives.',
  vendorFe: 'We work finalize-early. Check our feedback before ordering.',
  vendorShopIntro: 'We now have our own shop site. Signed with the same key as on our {market} profile:',
  vendorShopSigned: ['{handle} - our own shop', 'Date: {date}', '', 'Shop: {url}', 'Same key as on our {market} profile.', 'Orders still go through {market} escrow. We have no other shop.'],
  reviewGood: ['Ordered {n} times, always arrived in {d} days.', 'Stealth on point, good comms.', 'Quick answers, everything as listed.', 'Reliable, {d} days to my door.', 'No complaints after {n} orders.'],
  reviewBad: ['Waited {d} days, nothing yet. Vendor says wait for a reship.', 'Package never came. Vendor offered a 50% reship.'],
  vendorThanks: ['Thanks for the feedback!', 'Message us on the market, we sort it out.', 'Thank you, see you next time.'],

  scamShopTitle: '{handle} - DIRECT deals {pct} below {market}, FE',
  scamShopBody: ['Now selling direct: {url}', 'Same product as on {market}, no commission. FE only.', 'Our key ID ends in {short}, check it.'],
  scamShopShill: ['legit, got it fast 10/10', 'best prices, legit', 'ordered twice, all good', 'legit!!!'],
  scamWarnTitle: '[WARNING] {handle} is NOT {real}',
  scamWarnBody: [
    'The shop at {url} claims to be {real}. Its key ID ends in {short} like the real one, but the full fingerprint is not the one on {real}\'s {market} profile.',
    'Finalize early only, prices at half the market, reviews from accounts a day old. Textbook scam.',
  ],
  scamWarnReplies: ['Confirmed, the fingerprints differ.', '{real} says in their own thread they have one shop only.', 'Reported. Do not send anything.'],

  exchangerTitle: '{name} - reviews and questions',
  exchangerBody: ['{name}: BTC against RUB, KZT and USD, fee {fee}. Address: {url}', 'Operator online around the clock.'],
  exchangerGood: ['Swapped twice, coins in {m} minutes.', 'Good rate, no questions.', 'Fast and polite.'],
  exchangerBad: ['Asked for a photo of my card before paying out.', 'Took {m} minutes, operator slow.'],

  guideTitle: 'How to check a signed mirror list (read before you click any link)',
  guideBody: [
    '1. Take the market key from a source you already trust: the /pgp page of an address you verified before.',
    '2. Save the signed message as mirrors.txt and run: gpg --verify mirrors.txt',
    '3. "Good signature" is not enough: compare all 40 characters of the fingerprint, not the 8-character short key ID.',
    '4. Compare every character of an onion address, not only the first few. Phishers generate addresses that start and end like the real one.',
  ],
  guideReplies: ['Should be pinned everywhere.', 'Point 3 saved me once.', 'Also: no real market asks for your PIN at login.'],
};

const RU: ForumTexts = {
  welcomeTitle: '[ОФИЦИАЛЬНО] {market}: правила, гарант и как убедиться, что это мы',
  welcomeIntro: 'Подписано ключом площадки. Отпечаток — на странице /pgp любого зеркала.',
  welcomeSigned: [
    '{market} - официальное объявление',
    'Дата: {date}',
    '',
    '1. Все заказы идут через гарант. Средства уходят продавцу через {days} дн. после отправки, если нет спора.',
    '2. Комиссия площадки: {commission} с заказа.',
    '3. Администрация никогда не спрашивает пароль, PIN для вывода или фразу восстановления кошелька.',
    '4. Все объявления и списки зеркал подписаны этим ключом. Неподписанное объявление — не от нас.',
    '5. Запрещено: оружие, яды, всё, что связано с несовершеннолетними, насилие на заказ. Такие позиции и их продавцы удаляются.',
  ],
  welcomeReplies: [
    'Подпись сходится с ключом на /pgp.',
    'Спасибо, сохранил зеркала только из подписанного списка.',
    'Проверил gpg: подпись верная, отпечаток совпадает.',
    'Пункт 4 — самое главное.',
    'Наконец-то всё подписывают.',
  ],
  mirrorsTitle: '{market}: официальные зеркала (с подписью)',
  mirrorsIntro: 'Актуальный список. Проверьте подпись, прежде чем переходить по ссылкам.',
  mirrorsSignedHead: ['{market} - список зеркал', 'Обновлено: {date}', ''],
  mirrorsSignedFoot: ['', 'Адреса, которых нет в этом списке, — не наши.'],
  mirrorsReplies: ['Все открываются.', 'Второе зеркало сегодня тормозит, но работает.', 'Совпадает с подписанным mirrors.txt на самой площадке.', 'Сохранил, спасибо.'],

  cloneMirrorTitle: '{market} НОВОЕ ЗЕРКАЛО — основной лежит (DDoS)',
  cloneMirrorBody: ['Основной адрес опять под DDoS. Это зеркало работает, админы подтвердили в чате:', '{url}', 'Входите под своим обычным аккаунтом, всё на месте.'],
  cloneShill: ['работает, спасибо', 'зашёл, всё ок', 'наконец-то открылось'],
  cloneWarning: [
    'Осторожно: этого адреса НЕТ в подписанном списке зеркал. Первые {n} символов и конец совпадают с настоящим, всё остальное — другое.',
    'Настоящий: {real}. Это фишинговый клон. Сверяйте каждый символ.',
  ],
  cloneStaff: ['Мы публикуем зеркала только в подписанных сообщениях. Эта ссылка не наша. Не входите туда.'],
  cloneLateVictim: ['Поздно. Я зашёл туда, и оплата заказа так и не дошла.'],
  cloneReportTitle: '[СКАМ] Фишинговый клон площадки «{market}» забрал мою оплату',
  cloneReportBody: [
    'Зашёл через зеркало из раздела зеркал ({url}) и оформил заказ. Оплатил на {address}.',
    'На настоящей площадке заказа в аккаунте нет, поддержка говорит, что ничего не получала.',
    'Ещё клон при входе спросил PIN для вывода. Не пользуйтесь этой ссылкой.',
  ],
  cloneOtherVictim: ['То же самое. Оплатил на {address} — пропало.', 'Меня тоже, оплата на {address}. При входе спросили фразу восстановления, надо было насторожиться.'],
  cloneReportAdvice: [
    'Его mirrors.txt подписан, но не ключом площадки: gpg пишет, что подпись другим ключом. Сверяйте полный отпечаток, а не последние цифры.',
    'На настоящей площадке в заказе адрес самой площадки. Клон подставляет свой.',
  ],

  maintenanceTitle: 'Плановые работы: вывод средств приостановлен',
  maintenanceBody: ['Уважаемые пользователи, мы обновляем сервера кошельков. Вывод приостановлен на 24-48 часов. Пополнение и заказы работают как обычно.', 'Приносим извинения за неудобства. — Администрация'],
  maintenanceReplies: [
    'Почему это объявление без подписи? Все прошлые были подписаны ключом площадки.',
    'Подписи нет, вывод закрыт, пополнение открыто. Так начинались все прошлые экзиты.',
    'Админы, подпишите ключом площадки.',
    'Не пополняйте, пока вывод не заработает.',
  ],
  maintenanceDay: 'День {n}, вывода всё нет. От администрации — ни одного подписанного слова.',
  exitTitle: '«{market}» лежит — экзит-скам?',
  exitBody: ['Площадка «{market}» недоступна с {date}. Перед этим вывод был заморожен на {days} дн. под неподписанным объявлением о «работах».', 'У кого там оставались монеты — считайте, что их больше нет.'],
  exitReplies: [
    'Потерял деньги на гаранте по двум заказам.',
    'Продавцы тоже потеряли балансы.',
    'Объявление о работах так и не подписали. Урок усвоен.',
    'Кто следит за блокчейном, пишут: кошельки площадки опустошили прямо перед отключением.',
  ],

  seizureTitle: 'Площадка «{market}» изъята — баннер {agency}',
  seizureBody: ['На всех адресах площадки «{market}» теперь баннер об изъятии от {agency} ({country}).', 'Не входите никуда, что называет себя зеркалом «{market}».'],
  seizureReplies: [
    'Баннер на всех зеркалах.',
    'Если где-то использовали тот же пароль — меняйте.',
    'Продавцы, которые всплывут в другом месте: проверяйте, что подпись тем же ключом.',
    'Надеюсь, никто не оставлял адрес незашифрованным.',
  ],
  hackTitle: '«{market}»: вывод заморожен — взлом?',
  hackBody: ['Площадка «{market}» приостановила вывод «на техработы» {date}. Говорят, горячий кошелёк опустошили.'],
  hackReplies: ['Заказы проходят, вывод нет.', 'Похоже на экзит. Или правда взлом. Ждём.', 'Не держите на балансе больше, чем на один заказ.'],
  hackResume: 'Вывод на площадке «{market}» снова работает с {date}. У меня прошёл.',
  migrationTitle: 'Продавцы «{from}» переезжают на «{to}»',
  migrationBody: ['После падения «{from}» эти продавцы открылись на «{to}»:', '{list}', 'Проверяйте, что подписанные сообщения тем же ключом, что и раньше.'],
  migrationReplies: ['У моего тот же ник и тот же ключ. Хорошо.', 'У одного новый ключ. Осторожнее.', 'Ожидаемо: продавцы идут за покупателями.'],

  vendorExitTitle: '[СКАМ?] {handle} («{market}») перестал отправлять',
  vendorExitBody: ['Заказал у {handle} {date}, статус «отправлено», ничего не пришло. На сообщения не отвечает.'],
  vendorExitReplies: ['То же самое, два заказа с {date}.', 'Было FE? Тогда денег уже нет.', 'Классика: разгон продаж на FE — и пропал.', 'Вчера его позиции ещё висели.'],
  vendorGone: '{handle} пропал с площадки «{market}». Профиль удалён.',

  vendorTitle: '{handle} — официальная тема ({market})',
  vendorIntro: ['Официальная тема {handle} на площадке «{market}». Работаем из: {country}.', 'Наш PGP-ключ — в профиле на площадке «{market}». Мы никогда не просим оплату мимо площадки.'],
  vendorEscrow: 'Все заказы через гарант. Подтверждайте по факту получения.',
  vendorFe: 'Работаем по предоплате (FE). Смотрите отзывы перед заказом.',
  vendorShopIntro: 'У нас появился свой сайт-витрина. Подписано тем же ключом, что в профиле на площадке «{market}»:',
  vendorShopSigned: ['{handle} - наш магазин', 'Дата: {date}', '', 'Магазин: {url}', 'Ключ тот же, что в профиле на площадке «{market}».', 'Заказы по-прежнему через гарант площадки «{market}». Других магазинов у нас нет.'],
  reviewGood: ['Уже {n}-й заказ, всё приходило за {d} дн.', 'Всё чётко, на связи.', 'Отвечает быстро, всё как в описании.', 'Надёжно, {d} дн. до получения.', 'Заказов уже {n}, ни одной претензии.'],
  reviewBad: ['Жду {d} дн., ничего. Продавец говорит ждать перезаклад.', 'Не нашёл. Продавец предложил 50% перезаклад.'],
  vendorThanks: ['Спасибо за отзыв!', 'Пишите в ЛС на площадке, решим.', 'Спасибо, ждём снова.'],

  scamShopTitle: '{handle} — НАПРЯМУЮ на {pct} дешевле, чем на «{market}», FE',
  scamShopBody: ['Теперь продаём напрямую: {url}', 'Тот же товар, что на «{market}», без комиссии. Только FE.', 'ID нашего ключа заканчивается на {short}, проверяйте.'],
  scamShopShill: ['всё пришло, быстро 10/10', 'лучшие цены, ровно', 'брал два раза, всё ок', 'надёжно!!!'],
  scamWarnTitle: '[ВНИМАНИЕ] {handle} — это НЕ {real}',
  scamWarnBody: [
    'Магазин {url} выдаёт себя за {real}. ID ключа заканчивается на {short}, как у настоящего, но полный отпечаток не совпадает с ключом в профиле {real} на площадке «{market}».',
    'Только предоплата, цены вдвое ниже площадки, отзывы от аккаунтов, созданных вчера. Классический скам.',
  ],
  scamWarnReplies: ['Подтверждаю, отпечатки разные.', '{real} в своей теме пишет, что магазин у них один.', 'Пожаловался модераторам. Ничего не отправляйте.'],

  exchangerTitle: '{name} — отзывы и вопросы',
  exchangerBody: ['{name}: BTC на RUB, KZT и USD и обратно, комиссия {fee}. Адрес: {url}', 'Оператор на связи круглосуточно.'],
  exchangerGood: ['Менял два раза, монеты за {m} минут.', 'Хороший курс, без вопросов.', 'Быстро и вежливо.'],
  exchangerBad: ['Попросили фото карты перед выплатой.', 'Ждал {m} минут, оператор медленный.'],

  guideTitle: 'Как проверить подписанный список зеркал (прочитайте, прежде чем переходить по ссылкам)',
  guideBody: [
    '1. Берите ключ площадки из источника, которому уже доверяете: страница /pgp адреса, который вы проверили раньше.',
    '2. Сохраните подписанное сообщение в mirrors.txt и выполните: gpg --verify mirrors.txt',
    '3. «Good signature» — мало: сверяйте все 40 символов отпечатка, а не короткий ID из 8 символов.',
    '4. Сверяйте каждый символ onion-адреса, а не только первые. Фишеры генерируют адреса, которые начинаются и кончаются как настоящие.',
  ],
  guideReplies: ['Закрепить во всех разделах.', 'Пункт 3 меня однажды спас.', 'И ещё: ни одна настоящая площадка не спрашивает PIN при входе.'],
};

export const FORUM_TEXTS: Readonly<Record<Lang, ForumTexts>> = { en: EN, ru: RU };

/** `text` with {name} placeholders filled from `params` (unknown names stay as they are). */
export function fill(text: string, params: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
