#!/usr/bin/env python3
"""Writes internal/auth/common_passwords.txt, the list of common passwords
that Kehu refuses (embedded in the binary).

Sources: the top entries of the widely published lists of leaked passwords
(SplashData/NordPass yearly "worst passwords", the RockYou top, the CSDN and
Tianya leaks of 2011 as reported in the press and in studies of Chinese
passwords), recalled by hand; plus generated families those studies name as
the commonest shapes: keyboard walks, pinyin names and words, digit runs and
lucky numbers. A password is refused when it is on the list, or when what
remains after taking digits and symbols off both ends is (see password.go).

Run: python3 scripts/common-passwords.py > internal/auth/common_passwords.txt
"""

words = """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123
football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael
654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm
asdfgh hunter buster soccer harley batman andrew tigger sunshine iloveyou charlie robert thomas
hockey ranger daniel starwars klaster 112233 george computer michelle jessica pepper 1111 zxcvbn
555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese amanda
summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas austin thunder taylor
matrix william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm hammer silver
222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter orange 11111 golfer
cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky snoopy maverick phoenix
camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey steelers joseph mercedes
dakota arsenal eagles melissa boomer booboo spider nascar monster tigers yellow xxxxxx 123123123
gateway marina diablo bulldog qwer1234 compaq purple hardcore banana junior hannah 123654 porsche
lakers iceman money cowboys 987654 london tennis 999999 ncc1701 coffee scooby 0000 miller boston
q1w2e3r4 brandon yamaha chester mother forever johnny edward 333333 oliver redsox player nikita knight
fender barney midnight please brandy chicago badboy slayer rangers charles angel flower rabbit wizard
jasper enter rachel chris steven winner adidas victoria natasha 1q2w3e4r jasmine winter prince marine
ghbdtn fishing cocacola casper james 232323 raiders 888888 marlboro gandalf asdfasdf crystal 87654321
12344321 golden 8675309 disney bandit password1 password12 password123 password1234 passw0rd p@ssw0rd
p@ssword pa55word pa$$word passwd passwort motdepasse contraseña senha parola wachtwoord haslo
admin admin123 admin1234 administrator root toor login guest user default changeme letmein123
welcome1 welcome123 qwerty123 qwerty1234 qwerty12345 qwerty123456 1qaz2wsx3edc zaq12wsx zaq1zaq1
!qaz2wsx 1q2w3e 1q2w3e4r5t6y 1q2w3e4r5t 1qazxsw2 qwe123 asd123 zxc123 aa123456 a123456 a12345678
a123456789 abc123456 123abc 1234abcd abcd1234 qq123456 123456a 123456aa 123456abc 123456qq abc12345
iloveyou1 iloveu loveyou lovely loveme iloveyou2 trustme superstar starlight sunflower butterfly
chocolate football1 baseball1 basketball soccer1 liverpool manchester manutd barcelona realmadrid
juventus chelsea1 arsenal1 america canada australia england france germany brazil mexico russia
china japan korea india pakistan nigeria philippines vietnam thailand indonesia
dragon1 monkey1 shadow1 master1 michael1 jordan23 superman1 batman1 spiderman ironman hulk
pokemon pikachu naruto sasuke goku dragonball onepiece sailormoon doraemon hellokitty mickeymouse
minecraft fortnite roblox warcraft starcraft diablo2 counterstrike halflife zelda mario nintendo
playstation xbox360 gaming gamer
qwertz azerty qweasd qweasdzxc qazwsxedc qazxswedc qwerasdf asdf1234 zxcv1234 1a2b3c4d a1b2c3d4
asdfghjkl asdfghjkl; zxcvbnm123 poiuytrewq lkjhgfdsa mnbvcxz 0987654321 9876543210 0123456789
147258369 159357 147258 258369 369258147 963852741 741852963 123789 789456123 456789 147852369
159357456 753951 951753 852456 456852
woaini woaini1314 woaini520 wo123456 iloveyou1314 woaini123 woaiwojia aini1314 woaini521 woaini1314520
5201314 1314520 520520 521521 5211314 1314521 7758521 7758258 584520 520131 1314 520 1314520520
5201314520 3344520 3344521 1314woaini woainimama woaibaba woaiwoma woaini110 wangyi nihao nihao123
wodemima mima mima123 mima1234 woshishui woshiniba laopo laogong baobei baobao baobei520 qinaide
aiqing xingfu kuaile xingfukuaile tiantian tiantianxiangshang xiaobao xiaobai xiaohei xiaoming
xiaohong xiaoqiang xiaolong xiaoyu xiaoxiao xiaomei xiaoli xiaojie zhongguo zhonghua woaizhongguo
beijing shanghai guangzhou shenzhen hangzhou nanjing tianjin chongqing chengdu wuhan xian suzhou
qingdao dalian xiamen shenyang harbin changsha zhengzhou jinan hefei fuzhou kunming
huawei xiaomi tencent alibaba baidu taobao weixin wechat qqqqqq qq123 qq1234 qq5201314 aaaa1111
a5201314 aa5201314 a1314520 aaa123 aaa123456 abc5201314 asd123456 zxc123456 qwe123456 qweqwe
asdasd zxczxc asdasdasd qweqweqwe 123qweasd 123qweasdzxc 1qaz2wsx3edc4rfv 1q2w3e4r5t6y7u8i
caonima nimabi shabi wocao tamade fuckyou fuck fuckoff
dongdong lele huanhuan yangyang pingping lili nana tingting jingjing mingming feifei fangfang
zhuzhu gougou maomao niuniu doudou pangpang xiongxiong
kehu kehucrm kehu-crm kehu123 crm crm123 crmadmin
"""

english_names = """
james john robert michael william david richard joseph thomas charles christopher daniel matthew
anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason
jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel
gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas
zachary peter kyle walter ethan jeremy harold keith christian roger noah gerald carl terry sean
austin arthur lawrence jesse dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan
wayne roy ralph randy eugene vincent russell elijah louis bobby philip johnny mary patricia jennifer
linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret sandra ashley kimberly
emily donna michelle dorothy carol amanda melissa deborah stephanie rebecca sharon laura cynthia
kathleen amy shirley angela helen anna brenda pamela nicole emma samantha katherine christine debra
rachel catherine carolyn janet ruth maria heather diane virginia julie joyce victoria olivia kelly
christina lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline frances gloria ann
teresa kathryn sara janice jean alice madison doris abigail julia judy grace denise amber marilyn
beverly danielle theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla
"""

surnames = """wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng
liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei
su lu ding ren shen yao jin fu""".split()

given = """wei fang na min jing li qiang lei jun yang yong yan jie juan tao ming chao xiuying xia ping
gang hua hui fei bo dan ling yu hong yun jian bin lin hao xin yi qing peng long kai tian""".split()


def keyboard_walks():
    rows = ["`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"]
    cols = ["1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.", "0p;/"]
    out = set()
    for r in rows:
        for s in (r, r[::-1]):
            for n in range(6, len(s) + 1):
                for i in range(0, len(s) - n + 1):
                    out.add(s[i:i + n])
    for start in range(len(cols)):
        for n in range(2, len(cols) - start + 1):
            walk = "".join(cols[start:start + n])
            out.add(walk)
            out.add("".join(c[::-1] for c in cols[start:start + n]))
    # zig-zags typed on two rows: 1q2w3e..., q1w2e3..., qaz wsx ...
    top, home = "1234567890", "qwertyuiop"
    for n in range(3, 11):
        out.add("".join(a + b for a, b in zip(top[:n], home[:n])))
        out.add("".join(b + a for a, b in zip(top[:n], home[:n])))
    return out


def digits():
    out = set()
    for y in range(1950, 2036):
        out.add(str(y))
        out.add(str(y) * 2)
    for d in "0123456789":
        for n in range(4, 13):
            out.add(d * n)
    for lucky in ["520", "521", "1314", "5201314", "1314520", "168", "888", "666", "8888", "6666", "9999",
                  "7758521", "2580", "1593578", "147258", "123321", "112233", "121212"]:
        out.add(lucky)
        out.add(lucky * 2)
    return out


def main():
    entries = set()
    entries.update(words.split())
    entries.update(english_names.split())
    for w in english_names.split()[:60]:
        entries.add("i love " + w)
        entries.add("iloveyou" + w)
        entries.add("ilove" + w)
    for s in surnames:
        entries.add(s)
        for g in given:
            entries.add(s + g)
        entries.add("woai" + s)
    entries.update("woai" + g for g in given)
    entries.update(keyboard_walks())
    entries.update(digits())
    entries = sorted(e.lower() for e in entries if e.strip())
    print("# Common passwords Kehu refuses (one per line, lower case). Generated by")
    print("# scripts/common-passwords.py: the top entries of the published lists of")
    print("# leaked passwords (SplashData/NordPass, RockYou, the CSDN and Tianya leaks),")
    print("# keyboard walks, pinyin names and words, years and lucky numbers.")
    for e in entries:
        print(e)


main()
