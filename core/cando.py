"""What a level means, in words a 14-year-old understands, and can-do statements for
self-assessment. Written for TaalPad after the CEFR descriptors; every text is translatable.
"""

from django.utils.translation import gettext_lazy as _

from core.cefr import Level, Skill

L, R, SI, SP, W = (
    Skill.LISTENING,
    Skill.READING,
    Skill.SPOKEN_INTERACTION,
    Skill.SPOKEN_PRODUCTION,
    Skill.WRITING,
)

# What someone at a level can do in German, per skill.
LEVEL_MEANING = {
    L: {
        Level.BELOW_A1: _("You recognise a few German words when people speak slowly."),
        Level.A1: _(
            "You understand simple words and phrases about yourself and your family "
            "when people speak slowly and clearly."
        ),
        Level.A2: _(
            "You understand the main point of short, clear messages and announcements "
            "about everyday things."
        ),
        Level.B1: _(
            "You follow the main points of clear talk about school, work and free time, "
            "and of many radio and TV items."
        ),
        Level.B2: _("You follow longer talks, the news and most films in standard German."),
        Level.C1: _("You understand long, complex talk, even when it is not clearly organised."),
        Level.C2: _("You understand any kind of spoken German, even at native speed."),
    },
    R: {
        Level.BELOW_A1: _("You recognise a few German words in a text."),
        Level.A1: _("You understand names, words and very short sentences on signs and posters."),
        Level.A2: _(
            "You find what you need in simple texts such as menus, timetables and short "
            "personal messages."
        ),
        Level.B1: _(
            "You understand texts about everyday life and work, and personal letters "
            "about events and feelings."
        ),
        Level.B2: _(
            "You read articles and reports about current topics and understand the "
            "writer's point of view."
        ),
        Level.C1: _(
            "You understand long, complex texts, including technical ones outside your own field."
        ),
        Level.C2: _("You read any kind of German text with ease."),
    },
    SI: {
        Level.BELOW_A1: _("You can say hello and thank you in German."),
        Level.A1: _(
            "You can ask and answer simple questions about yourself if the other person helps you."
        ),
        Level.A2: _(
            "You can handle short everyday conversations, such as shopping or asking the way."
        ),
        Level.B1: _(
            "You can manage most situations on a trip or a work placement in Germany and "
            "join a conversation about familiar topics."
        ),
        Level.B2: _(
            "You can talk with German speakers fluently enough that neither side has to "
            "make an effort, and defend your opinion."
        ),
        Level.C1: _(
            "You express yourself fluently and flexibly, also at work and in your studies."
        ),
        Level.C2: _("You take part in any conversation with ease and precision."),
    },
    SP: {
        Level.BELOW_A1: _("You can say a few words about yourself in German."),
        Level.A1: _(
            "You can describe where you live and the people you know with simple sentences."
        ),
        Level.A2: _(
            "You can describe your family, school and hobbies in a series of simple sentences."
        ),
        Level.B1: _(
            "You can tell about experiences, dreams and plans, and briefly explain your opinion."
        ),
        Level.B2: _(
            "You can give clear, detailed descriptions of many subjects and explain the "
            "pros and cons."
        ),
        Level.C1: _("You can present complex subjects clearly and in detail."),
        Level.C2: _(
            "You can present anything clearly and fluently, in a style that suits the situation."
        ),
    },
    W: {
        Level.BELOW_A1: _("You can write a few German words."),
        Level.A1: _(
            "You can fill in a form with your name, address and nationality and write "
            "a short postcard."
        ),
        Level.A2: _("You can write short, simple notes and a very simple personal message."),
        Level.B1: _(
            "You can write a simple, connected text about familiar topics and a personal "
            "letter about experiences."
        ),
        Level.B2: _(
            "You can write clear, detailed texts, such as an essay, a report or a job application."
        ),
        Level.C1: _("You can write well-structured texts about complex subjects."),
        Level.C2: _("You can write any kind of text smoothly and in the right style."),
    },
}

# "I can …" statements per skill and level, for the pupil's own assessment.
CAN_DO = {
    L: {
        Level.A1: [
            _("I understand numbers, prices and times."),
            _("I understand simple questions about my name, age and where I live."),
            _("I understand simple instructions from my teacher."),
        ],
        Level.A2: [
            _("I understand short announcements at a station or in a shop."),
            _("I understand the way to a place when someone explains it."),
            _("I get the main point of a short video about a familiar topic."),
        ],
        Level.B1: [
            _("I follow a conversation between Germans about everyday things."),
            _("I understand the main points of a news item on TV."),
            _("I understand instructions at a work placement."),
        ],
        Level.B2: [
            _("I understand German films and series without subtitles for the most part."),
            _("I follow a lecture or a talk about a subject I know."),
        ],
        Level.C1: [_("I understand talk shows and discussions with fast speakers.")],
        Level.C2: [_("I understand every kind of German, also with strong accents.")],
    },
    R: {
        Level.A1: [
            _("I understand words on signs, posters and menus."),
            _("I understand a very short message, for example on a postcard."),
            _("I can find a name or a time in a short text."),
        ],
        Level.A2: [
            _("I find information in a timetable or a programme."),
            _("I understand a short personal e-mail or message."),
            _("I understand simple rules, for example in a youth hostel."),
        ],
        Level.B1: [
            _("I understand a blog or a letter about someone's experiences."),
            _("I understand the main points of a simple newspaper article."),
            _("I understand a vacancy text for a job or a placement."),
        ],
        Level.B2: [
            _("I understand articles about current topics and the writer's opinion."),
            _("I read a young adult novel in German."),
        ],
        Level.C1: [_("I understand long texts, also technical ones.")],
        Level.C2: [_("I read any text, including literature, with ease.")],
    },
    SI: {
        Level.A1: [
            _("I can greet someone and say goodbye."),
            _("I can ask someone's name and where they live."),
            _("I can ask for something in a shop with help."),
        ],
        Level.A2: [
            _("I can order food and drinks."),
            _("I can make an appointment with a friend."),
            _("I can ask the way and understand a simple answer."),
        ],
        Level.B1: [
            _("I can talk with a German pupil about school and hobbies."),
            _("I can solve a problem, for example at a hotel or on the train."),
            _("I can take part in a conversation at a work placement."),
        ],
        Level.B2: [
            _("I can discuss a topic and defend my opinion."),
            _("I can take part in a job interview in German."),
        ],
        Level.C1: [_("I can join any discussion, also at work, without searching for words.")],
        Level.C2: [_("I can talk about anything, as precisely as in my own language.")],
    },
    SP: {
        Level.A1: [
            _("I can tell my name, age and where I live."),
            _("I can describe my family in simple sentences."),
            _("I can say what I like and do not like."),
        ],
        Level.A2: [
            _("I can tell about my school and my hobbies."),
            _("I can describe what I did last weekend."),
            _("I can give a short, prepared presentation."),
        ],
        Level.B1: [
            _("I can tell about a trip or an experience."),
            _("I can explain my plans for later."),
            _("I can briefly explain why I think something."),
        ],
        Level.B2: [
            _("I can give a clear presentation and answer questions."),
            _("I can explain the pros and cons of a choice."),
        ],
        Level.C1: [_("I can present a complex subject in a well-structured way.")],
        Level.C2: [_("I can speak about anything fluently and in the right style.")],
    },
    W: {
        Level.A1: [
            _("I can fill in a form with my personal details."),
            _("I can write a short postcard or message."),
            _("I can write simple sentences about myself."),
        ],
        Level.A2: [
            _("I can write a short message to make an appointment."),
            _("I can write a simple thank-you note."),
            _("I can describe my day in a few sentences."),
        ],
        Level.B1: [
            _("I can write an e-mail about an experience."),
            _("I can write a short text about a familiar topic."),
            _("I can write a simple letter of application."),
        ],
        Level.B2: [
            _("I can write a clear text with arguments for and against."),
            _("I can write a formal letter or e-mail."),
        ],
        Level.C1: [_("I can write a well-structured report about a complex subject.")],
        Level.C2: [_("I can write any kind of text in the right style.")],
    },
}

# Below this share of ticked statements, a level does not count as reached.
REACHED_SHARE = 2 / 3


def statement_codes(skill):
    """[(code, level, text)] for a skill; a code is "<level>-<n>", stable for storage."""
    return [
        (f"{Level(level).code}-{number}", Level(level), text)
        for level, texts in CAN_DO[skill].items()
        for number, text in enumerate(texts, start=1)
    ]


def self_assessed_level(skill, ticked):
    """The highest level up to which the pupil ticked most statements at every level."""
    reached = Level.BELOW_A1
    for level, texts in CAN_DO[skill].items():
        codes = {f"{Level(level).code}-{n}" for n in range(1, len(texts) + 1)}
        if len(codes & set(ticked)) / len(codes) < REACHED_SHARE:
            break
        reached = Level(level)
    return reached
