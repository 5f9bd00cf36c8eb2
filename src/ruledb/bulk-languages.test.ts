// The Russian and Chinese bulk offers of rules/37_bulk_languages.cf against the lawful mail
// that shares their words (a CRM vendor, an e-mail service, an SEO agency's report, the news,
// a real e-invoice notice, a job board): each fires on the offer and not on its counterpart.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, expectLures, fixtureFiles, ruleHits } from "../testing/rule-hits";

const NAMES = ["RU_LEADS_MAILING_SALE", "RU_CASHOUT_OFFER", "RU_SEO_TOP_PITCH", "RU_ONE_TIME_MAILING", "ZH_INVOICE_FOR_HIRE", "ZH_TASK_JOB_OFFER"];
const bulk = (text: string) => ruleHits(NAMES, text);

test("lists of potential clients and mailings to them, sold with a phone, a chat app or a price, are RU_LEADS_MAILING_SALE", async () => {
  await expectLures(bulk, ["RU_LEADS_MAILING_SALE"], [
    "Соберем для Вас по интернет базу данных потенциальных клиентов для Вашего бизнеса. Много! Быстро! Недорого! Узнайте подробнее по телефону +79633181945, Viber, Telegram.",
    "Рассылки по e-mail базам. Ваше коммерческое предложение получат десятки тысяч потенциальных клиентов. Цена от 2000 руб.",
    "АКТУАЛЬНЫЕ БАЗЫ ПРЕДПРИЯТИЙ по всем регионам России. Звоните: 8 (926) 123-45-67",
    "Свежие базы для рассылок и прозвона. Телеграм: @bazy_prodazha",
  ]);
  await expectHonest(bulk, [
    // A CRM vendor and an e-mail service write of client bases and mailings, with prices too.
    "Загрузите базу клиентов в CRM за пять минут: импорт из Excel и 1С. Тариф от 990 руб. в месяц.",
    "Как поднять открываемость ваших рассылок: пять советов от нашей команды. Новый редактор писем уже доступен, тариф от 500 руб.",
    "Ваша база данных клиентов обновлена: 1 240 контактов. Служба поддержки: 8 800 555-35-35.",
  ]);
});

test("cashing out a company's account with a commission or a contact is RU_CASHOUT_OFFER; the news of a cash-out ring is not", async () => {
  expect(await bulk("Обналичивание денежных средств с ООО и ИП. Комиссия от 5%. Надёжно и быстро. Telegram: @obnal_pro")).toEqual(["RU_CASHOUT_OFFER"]);
  expect(await bulk("Вывод денег с р/с ООО, обнал, транзит. Звоните +7 916 555 12 34")).toEqual(["RU_CASHOUT_OFFER"]);
  expect(await bulk("Полиция задержала группу, занимавшуюся незаконным обналичиванием денежных средств через фирмы-однодневки. Ущерб превысил 300 млн рублей.")).toEqual([]);
});

test("\"your site in the top 10\" with a phone or price is RU_SEO_TOP_PITCH; an agency's monthly report is not", async () => {
  expect(await bulk("Здравствуйте! Выведем ваш сайт в ТОП-10 Яндекса за 30 дней. Оплата по факту. Звоните: 8 (800) 555-35-35")).toEqual(["RU_SEO_TOP_PITCH"]);
  expect(await bulk("Отчёт за ноябрь: видимость вашего сайта в Яндексе выросла на 12 %, 40 запросов в топ-10. Вопросы — вашему менеджеру.")).toEqual([]);
});

test("the bulk mailer's footer (sent once, an address from open sources, delete it if not of interest) is RU_ONE_TIME_MAILING; a newsletter's footer is not", async () => {
  expect(await bulk("Данное письмо отправлено Вам однократно и не является рассылкой.")).toEqual(["RU_ONE_TIME_MAILING"]);
  expect(await bulk("Ваш адрес взят из открытых источников. Если наше предложение Вам не интересно, просто удалите это письмо.")).toEqual(["RU_ONE_TIME_MAILING"]);
  expect(await bulk("Если информация Вам не интересна — просто удалите его.")).toEqual(["RU_ONE_TIME_MAILING"]);
  expect(await bulk("Вы получили это письмо, потому что подписались на новости магазина. Отписаться можно по ссылке внизу письма.")).toEqual([]);
  expect(await bulk("Письмо отправлено автоматически, отвечать на него не нужно. Если вы не делали заказ, напишите в поддержку.")).toEqual([]);
});

test("invoices issued for hire with a phone or WeChat are ZH_INVOICE_FOR_HIRE; a real e-invoice notice and the news are not", async () => {
  expect(await bulk("您好！本公司有部分增值税专用发票和普通发票可代开，点数优惠，欢迎来电咨询。联系人：王经理 电话：13912345678 微信同号")).toEqual(["ZH_INVOICE_FOR_HIRE"]);
  expect(await bulk("代开各类发票，税点低，真票可查验。加微信：fapiao2026")).toEqual(["ZH_INVOICE_FOR_HIRE"]);
  expect(await bulk("您的电子发票已开具，发票金额 1,280.00 元，请登录查看。如有疑问请联系客服电话：400-800-1234")).toEqual([]);
  expect(await bulk("警方破获一起虚开、代开发票案，涉案金额超过两亿元。")).toEqual([]);
});

test("phone tasks paid by the day with a contact are ZH_TASK_JOB_OFFER; a job board's part-time listing is not", async () => {
  expect(await bulk("手机兼职，日结，在家赚钱，每天1-2小时，日赚300-800。加微信：job88886")).toEqual(["ZH_TASK_JOB_OFFER"]);
  expect(await bulk("抖音点赞关注，一单3元佣金，当天结算。联系QQ：12345678")).toEqual(["ZH_TASK_JOB_OFFER"]);
  expect(await bulk("本周新增兼职岗位：图书馆助理，每周两个下午，时薪25元。申请请登录学校就业网。")).toEqual([]);
});

test("each fixture of fixtures/messages/bulk-languages is at least probable spam with its offer's rule", async () => {
  const want: Record<string, string> = { "ru-bazy-klientov.eml": "RU_LEADS_MAILING_SALE", "ru-obnal-koi8.eml": "RU_CASHOUT_OFFER", "zh-daikai-fapiao.eml": "ZH_INVOICE_FOR_HIRE" };
  expect(fixtureFiles("bulk-languages")).toEqual(Object.keys(want).sort());
  await expectFixturesFlagged(Object.fromEntries(Object.entries(want).map(([f, name]) => [`bulk-languages/${f}`, [name]])));
});
