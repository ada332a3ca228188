#include "tests/scangen/form_decor.h"

namespace adbridge::scangen {
namespace {

using Kind = DecorItem::Kind;

DecorItem Text(int page, double x, double baseline, std::string text, double size = 3.2) {
  return {Kind::kText, page, {x, baseline, 0, 0}, std::move(text), size};
}
DecorItem Heading(int page, double baseline, std::string text) {
  return {Kind::kHeading, page, {15, baseline, 180, 0}, std::move(text), 3.8};
}
// A label in the table's label column (15–46 mm), centred like the generated ones.
DecorItem RowLabel(int page, double baseline, std::string text) {
  return {Kind::kText, page, {30.5, baseline, 0, 0}, std::move(text), 3.5, true};
}
DecorItem Stamp(int page, models::BoxMm box) { return {Kind::kStamp, page, box, "受付", 3.2}; }
DecorItem Panel(int page, models::BoxMm box, std::string label) {
  return {Kind::kPanel, page, box, std::move(label), 3.0};
}

std::vector<DecorItem> Juminhyo() {
  return {
      Stamp(1, {160, 8, 35, 28}),
      Text(1, 15, 37.5, "（あて先）塩尻市長", 3.6),
      Text(1, 133, 46.5, "太枠内をボールペンで記入し、", 3.0),
      Text(1, 133, 51.5, "該当する□にレ印をつけてください。", 3.0),
      Heading(1, 62, "■ 窓口に来た方（請求者）"),
      Text(1, 133, 148.5, "（日中に連絡のとれる番号）", 3.0),
      Heading(1, 162, "■ 必要なもの・使いみち"),
      Text(1, 71, 174.5, "通", 3.6),
      Text(1, 80, 174.5, "（1〜20）", 2.8),
      RowLabel(1, 186, "記載事項"),
      Heading(1, 224, "■ 個人番号（窓口で職員が確認します）"),
      Text(1, 15, 250, "※ 個人番号は窓口で職員が確認し、在宅の確認作業者には表示されません。", 3.0),
      Text(1, 15, 255.5, "※ 代理人が請求するときは委任状が必要です。本人確認書類をお持ちください。", 3.0),
      Panel(1, {15, 262, 180, 24}, "市使用欄"),
      Text(1, 40, 269, "本人確認：□運転免許証　□マイナンバーカード　□その他（　　　　　）", 3.0),
      Text(1, 40, 276, "交付枚数：　　　通　　手数料：　　　　円", 3.0),
      Text(1, 40, 283, "受付者：　　　　　　確認者：", 3.0),
  };
}

std::vector<DecorItem> Kyufukin(int page) {
  if (page == 1) {
    return {
        Stamp(1, {166, 8, 29, 28}),
        Text(1, 15, 37.5, "（あて先）塩尻市長", 3.6),
        Text(1, 15, 44, "次のとおり給付金の支給を申請します。太枠内を記入してください。", 3.2),
        Text(1, 133, 57.5, "（記入した日）", 3.0),
        Heading(1, 69, "■ 申請者（世帯主）"),
        Text(1, 187, 155.5, "人", 3.6),
        Heading(1, 170, "■ 確認事項（□にレ印をつけてください）"),
        RowLabel(1, 191, "確認事項"),
        Text(1, 15, 216, "※ 受取口座は2枚目に記入し、通帳等の写しを添えてください。", 3.2),
        Text(1, 15, 222, "※ 偽りその他不正な手段で給付金を受けたときは、返還していただきます。", 3.2),
        Text(1, 15, 228, "※ 申請期限：令和7年3月31日（必着）", 3.2),
        Text(1, 15, 237, "問い合わせ先　塩尻市 福祉課 給付金担当　電話 0263-52-0280", 3.2),
        Panel(1, {15, 250, 180, 30}, "市使用欄"),
        Text(1, 40, 258, "課税状況：□非課税　□課税　　世帯確認：□済", 3.0),
        Text(1, 40, 266, "口座確認：□済　□要確認　　支給決定日：令和　年　月　日", 3.0),
        Text(1, 40, 274, "受付番号：", 3.0),
    };
  }
  return {
      Text(2, 15, 37.5, "給付金の振込先口座を記入し、通帳またはキャッシュカードの写しを添付してください。", 3.2),
      Heading(2, 49, "■ 受取口座（申請者本人名義の口座）"),
      {Kind::kRect, 2, {15, 155, 180, 80}, "", 0},
      Text(2, 20, 163, "【貼付欄】通帳またはキャッシュカードの写し（金融機関名・支店名・口座番号・", 3.0),
      Text(2, 20, 168.5, "　口座名義（カナ）がわかる面）をここに貼ってください。", 3.0),
      Text(2, 15, 130, "※ 口座名義は申請者本人のものに限ります。", 3.2),
      Text(2, 15, 136, "※ ゆうちょ銀行は、振込用の店名・店番・預金種目・口座番号を記入してください。", 3.2),
      Text(2, 15, 142, "※ 口座番号が7桁に満たないときは、右づめで記入してください。", 3.2),
      Panel(2, {15, 250, 140, 30}, "市使用欄"),
      Text(2, 40, 260, "口座照合：□済　□要確認", 3.0),
      Text(2, 40, 268, "入力者：　　　　　確認者：", 3.0),
      Stamp(2, {162, 250, 33, 30}),
  };
}

std::vector<DecorItem> DemandBus() {
  return {
      Text(1, 15, 37.5, "ご乗車の前日17時までに、窓口またはFAXでお申し込みください。", 3.2),
      Text(1, 15, 43.5, "太枠内を記入し、希望する時間帯の□にレ印をつけてください。", 3.2),
      Text(1, 102, 57, "（例 SJ-0123）", 3.0),
      Heading(1, 114, "■ ご予約内容"),
      Text(1, 187, 127.5, "人", 3.6),
      RowLabel(1, 188, "配慮事項"),
      Text(1, 15, 218, "※ 予約の変更・取消は、前日までに交通政策課へご連絡ください。", 3.2),
      Text(1, 15, 224, "※ 乗車場所・降車場所は、のりあいバスの停留所名または施設名を記入してください。", 3.2),
      Text(1, 15, 230, "※ 運行状況により、ご希望の時間帯に添えないことがあります。", 3.2),
      Text(1, 15, 239, "塩尻市 交通政策課　電話 0263-52-0280　FAX 0263-52-1120", 3.2),
      Panel(1, {15, 248, 145, 28}, "市使用欄"),
      Text(1, 40, 256, "予約番号：", 3.0),
      Text(1, 40, 263, "配車便：　　　　号車　　　時　　分", 3.0),
      Text(1, 40, 270, "受付者：", 3.0),
      Stamp(1, {165, 248, 30, 28}),
  };
}

}  // namespace

std::vector<DecorItem> DecorFor(std::string_view form_id, int page) {
  std::vector<DecorItem> all;
  if (form_id == "juminhyo-request") all = Juminhyo();
  if (form_id == "kyufukin-application") all = Kyufukin(page);
  if (form_id == "demand-bus-reservation") all = DemandBus();
  std::vector<DecorItem> items;
  for (DecorItem& item : all) {
    if (item.page == page) items.push_back(std::move(item));
  }
  return items;
}

}  // namespace adbridge::scangen
